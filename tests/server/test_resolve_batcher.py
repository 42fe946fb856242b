"""The resolve batcher's gathering: a pass waits until every resolve request the app holds
is pending (``Open``), and no longer. The resolver here only records the sizes of the passes
it is asked for; the routes' answers over a real server are in test_resolve_routes.py."""

from __future__ import annotations

import asyncio

import pytest

from kglink.service import resolve_batcher
from kglink.service.resolve_batcher import Open, ResolveBatcher


class PassSizes:
    """A resolver that answers every record with no candidates and keeps each pass's size."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def resolve_many(self, records, entity, top_k):
        self.sizes.append(len(records))
        return [[] for _ in records]


def passes(held: Open | None, arrivals: list[float], answered_at: float | None = None
           ) -> list[int]:
    """The pass sizes when one-record requests reach the batcher at ``arrivals`` (seconds
    from the start); at ``answered_at`` one request the app held is answered elsewhere."""
    resolver = PassSizes()

    async def main() -> None:
        batcher = ResolveBatcher(lambda: resolver, 1000, held)

        async def request(at: float) -> None:
            await asyncio.sleep(at)
            await batcher.resolve([{"name": "张伟"}], "person", 5)

        async def answered(at: float) -> None:
            await asyncio.sleep(at)
            held.count -= 1
            held.changed.set()

        jobs = [request(at) for at in arrivals]
        if answered_at is not None:
            jobs.append(answered(answered_at))
        await asyncio.wait_for(asyncio.gather(*jobs), 10)

    asyncio.run(main())
    return resolver.sizes


@pytest.fixture
def long_gather(monkeypatch):
    """A gathering cap far beyond the test's arrivals: a pass that starts early was not
    cut short by it."""
    monkeypatch.setattr(resolve_batcher, "MAX_GATHER", 30.0)


def test_a_pass_waits_for_every_request_the_app_holds(long_gather):
    assert passes(Open(count=3), [0.0, 0.05, 0.1]) == [3]


def test_a_request_answered_elsewhere_releases_the_pass(long_gather):
    # the app holds two requests; one is answered by another route's work, not queued here
    assert passes(Open(count=2), [0.0], answered_at=0.05) == [1]


def test_a_lone_request_goes_at_once_and_without_a_count_nothing_waits(long_gather):
    assert passes(Open(count=1), [0.0]) == [1]
    assert passes(None, [0.0, 0.05, 0.1]) == [1, 1, 1]


def test_the_cap_bounds_the_wait(monkeypatch):
    monkeypatch.setattr(resolve_batcher, "MAX_GATHER", 0.05)
    # the app says it holds five, but only two ever come: each pass waits at most the cap
    assert passes(Open(count=5), [0.0, 0.5]) == [1, 1]
