"""Concurrent resolve requests merged into one ``resolve_many`` call.

Resolving is CPU-bound pandas work, and ``resolve_many`` scores a batch in one vectorised
pass for little more than one record costs. So the service never resolves two requests side
by side (they would only contend for the GIL): one worker runs one ``resolve_many`` at a
time in a thread, and the requests that arrived meanwhile (of one entity type, up to
``max_records`` records) go together into the next call. A lone client pays one thread hop;
50 clients share each pass. A record's candidates do not depend on the other records of its
batch, so the answers are those of resolving each request alone.

Before each pass the worker gathers: it waits (on the event loop, which meanwhile parses
requests and sends answers) until every resolve request the app holds is pending - none is
still being read, nor its answer still being sent (``Open``, counted by the ``CountOpen``
middleware) - or for at most ``MAX_GATHER`` seconds. Without it, 50 clients split into
cohorts that alternate: one cohort's pass runs while the loop reads the other's requests, so
each pass serves half of them and pays a pass's fixed cost for it. The loop and the pass
share one GIL, so the wait costs no throughput. A lone client never waits: its one request
is all the app holds.

When a merged call fails on bad input (``ValueError``, e.g. an unknown field), each request
of it is resolved alone, so the error reaches only the request that caused it and names its
own record number.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio

if TYPE_CHECKING:
    from kglink.api import Resolver
    from linking.resolver import Candidate

MAX_GATHER = 0.05  # seconds: the longest a pass waits for requests still being read


@dataclass
class Resolved:
    """One request's answer: candidates per record, and the milliseconds it waited for the
    worker and that its ``resolve_many`` call took (shared with the requests merged in)."""

    candidates: list[list[Candidate]]
    queued_ms: float
    resolve_ms: float


@dataclass
class _Job:
    records: list[dict[str, Any]]
    entity: str
    top_k: int
    future: asyncio.Future
    queued: float = field(default_factory=time.perf_counter)


@dataclass
class Open:
    """How many resolve requests the app holds (received, and not yet answered); ``changed``
    is set whenever one is answered or reaches the batcher."""

    count: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class CountOpen:
    """ASGI middleware keeping ``held.count`` for the requests to ``paths``."""

    def __init__(self, app, held: Open, paths: frozenset[str]) -> None:
        self.app = app
        self.held = held
        self.paths = paths

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        self.held.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.held.count -= 1
            self.held.changed.set()


class ResolveBatcher:
    """Resolves requests one merged ``resolve_many`` at a time (module docstring);
    ``resolver`` gives the Resolver (built on first use, in the worker thread); ``held``
    counts the requests the app holds (without it a pass never waits)."""

    def __init__(self, resolver: Callable[[], Resolver], max_records: int = 1000,
                 held: Open | None = None) -> None:
        self._resolver = resolver
        self._max_records = max_records
        self._held = held
        self._pending: list[_Job] = []
        self._worker: asyncio.Task | None = None

    async def resolve(self, records: list[dict[str, Any]], entity: str,
                      top_k: int) -> Resolved:
        """The ``top_k`` candidates of each record, once the worker reaches the request."""
        loop = asyncio.get_running_loop()
        job = _Job(records, entity, top_k, loop.create_future())
        self._pending.append(job)
        if self._held is not None:
            self._held.changed.set()
        if self._worker is None or self._worker.done():
            self._worker = loop.create_task(self._drain())
        return await job.future

    async def _drain(self) -> None:
        while self._pending:
            await self._gather()
            jobs = self._take()
            started = time.perf_counter()
            outcomes = await anyio.to_thread.run_sync(self._run, jobs)
            took = (time.perf_counter() - started) * 1000
            for job, outcome in zip(jobs, outcomes, strict=True):
                if job.future.done():  # the client went away
                    continue
                if isinstance(outcome, BaseException):
                    job.future.set_exception(outcome)
                else:
                    job.future.set_result(Resolved(
                        outcome, (started - job.queued) * 1000, took))

    async def _gather(self) -> None:
        """Wait until every request the app holds is pending, or ``MAX_GATHER`` is up
        (module docstring)."""
        deadline = time.perf_counter() + MAX_GATHER
        while self._held is not None and len(self._pending) < self._held.count:
            left = deadline - time.perf_counter()
            if left <= 0:
                return
            self._held.changed.clear()
            try:
                await asyncio.wait_for(self._held.changed.wait(), left)
            except TimeoutError:
                return

    def _take(self) -> list[_Job]:
        """The oldest pending job and the later ones of its entity type that fit."""
        entity, total, taken, left = self._pending[0].entity, 0, [], []
        for job in self._pending:
            if job.entity == entity and (not taken or total + len(job.records)
                                         <= self._max_records):
                taken.append(job)
                total += len(job.records)
            else:
                left.append(job)
        self._pending = left
        return taken

    def _run(self, jobs: list[_Job]) -> list[list[list[Candidate]] | BaseException]:
        """Each job's candidates from one merged call, or each alone when that fails on
        bad input; an error every job shares (no model, no graph) goes to each."""
        try:
            resolver = self._resolver()
        except Exception as exc:  # noqa: BLE001 - handed to every request, answered there
            return [exc] * len(jobs)
        if len(jobs) == 1:
            return [_resolved_or_error(resolver, jobs[0])]
        try:
            merged = resolver.resolve_many([r for job in jobs for r in job.records],
                                           jobs[0].entity, max(job.top_k for job in jobs))
        except ValueError:
            return [_resolved_or_error(resolver, job) for job in jobs]
        except Exception as exc:  # noqa: BLE001 - handed to every request, answered there
            return [exc] * len(jobs)
        out, start = [], 0
        for job in jobs:
            out.append([c[:job.top_k] for c in merged[start:start + len(job.records)]])
            start += len(job.records)
        return out


def _resolved_or_error(resolver: Resolver, job: _Job) -> list[list[Candidate]] | Exception:
    try:
        return resolver.resolve_many(job.records, job.entity, job.top_k)
    except Exception as exc:  # noqa: BLE001 - the request's own error, answered there
        return exc
