"""The service's one ``kglink.api.Resolver`` (the link model and its in-memory candidate
index), built on first use and shared by the routes that score records. Building it reads
every stored record once, so the service starts fast and only resolving routes pay.

Once built, a watcher thread asks the graph every ``KGLINK_RESOLVER_REFRESH`` seconds
(default 30) whether a load completed since; if so it builds a new resolver beside the
served one and swaps it in, so requests never wait for the rebuild and a later load is
served within a refresh period plus the build time.

Building a resolver freezes the index out of the cyclic collector
(``linking.record_index.freeze_long_lived``); a refresh unfreezes, so that the collector
sees what the replaced resolver left, and the new one freezes again.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from typing import TYPE_CHECKING

from fastapi import HTTPException

if TYPE_CHECKING:
    from fastapi import FastAPI

    from kglink.api import Resolver

_building = threading.Lock()
REFRESH_ENV = "KGLINK_RESOLVER_REFRESH"


def shared_resolver(app: FastAPI) -> Resolver:
    """``app``'s Resolver over its driver, built once (503 while the graph keeps no model)."""
    resolver = getattr(app.state, "resolver", None)
    if resolver is not None:
        return resolver
    with _building:
        if getattr(app.state, "resolver", None) is None:
            try:
                app.state.resolver = _built(app)
            except ValueError as exc:
                raise HTTPException(503, str(exc)) from None
            threading.Thread(target=_watch, args=(app,), name="kglink-resolver-refresh",
                             daemon=True).start()
    return app.state.resolver


def refresh_seconds() -> float:
    """How often the watcher looks for a newer load (``KGLINK_RESOLVER_REFRESH``)."""
    text = os.environ.get(REFRESH_ENV, "30")
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{REFRESH_ENV}={text!r}: expected seconds (a number)") from None
    if seconds <= 0:
        raise ValueError(f"{REFRESH_ENV}={text!r}: expected a positive number of seconds")
    return seconds


def _built(app: FastAPI) -> Resolver:
    from kglink.api import Resolver

    driver, database = app.state.graph
    return Resolver(driver=driver, database=database)


def _watch(app: FastAPI) -> None:
    """Swap in a new resolver whenever a load completed since the served one was built."""
    from linking.record_index import freeze_long_lived

    period = refresh_seconds()
    stop = getattr(app.state, "stopping", None) or threading.Event()
    app.state.stopping = stop
    while not stop.wait(period):
        try:
            if app.state.resolver.stale():
                fresh = _built(app)
                with _building:
                    app.state.resolver = fresh
                gc.unfreeze()  # the replaced index is garbage now: let the collector see it
                freeze_long_lived()
                print(f"kglink serve: resolving against load {fresh.load}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - keep serving the current index; retry later
            print(f"kglink serve: the resolver was not refreshed: {exc}", file=sys.stderr)
