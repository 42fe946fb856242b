"""The service's one ``kglink.api.Resolver`` (the link model and its in-memory candidate
index), built on first use and shared by the routes that score records. Building it reads
every stored record once, so the service starts fast and only resolving routes pay."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from fastapi import HTTPException

if TYPE_CHECKING:
    from fastapi import FastAPI

    from kglink.api import Resolver

_building = threading.Lock()


def shared_resolver(app: FastAPI) -> Resolver:
    """``app``'s Resolver over its driver, built once (503 while the graph keeps no model)."""
    resolver = getattr(app.state, "resolver", None)
    if resolver is not None:
        return resolver
    from kglink.api import Resolver

    with _building:
        if getattr(app.state, "resolver", None) is None:
            driver, database = app.state.graph
            try:
                app.state.resolver = Resolver(driver=driver, database=database)
            except ValueError as exc:
                raise HTTPException(503, str(exc)) from None
    return app.state.resolver
