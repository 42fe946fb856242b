"""The audit log's group commit: many threads appending at once still make one unbroken
chain, every caller gets back its own entry as written, and fewer syncs than entries are
paid (the point of committing together)."""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from kglink.service.audit import AuditLog, verify


def test_concurrent_appends_make_one_chain_each_caller_gets_its_entry(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    with ThreadPoolExecutor(max_workers=32) as pool:
        written = list(pool.map(lambda i: log.append({"request": i}), range(400)))
    lines = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [x["seq"] for x in lines] == list(range(1, 401))
    assert sorted(x["request"] for x in lines) == list(range(400))
    by_seq = {x["seq"]: x for x in lines}
    assert all(by_seq[w["seq"]] == w for w in written)
    assert [w["request"] for w in written] == list(range(400))
    assert verify(tmp_path / "audit.jsonl") == (400, None)


def test_entries_waiting_together_share_one_sync(tmp_path, monkeypatch):
    syncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (syncs.append(fd), real_fsync(fd))[1])
    log = AuditLog(tmp_path / "audit.jsonl")
    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(lambda i: log.append({"request": i}), range(400)))
    assert 1 <= len(syncs) < 400
    assert verify(tmp_path / "audit.jsonl") == (400, None)


def test_a_failed_write_reaches_every_caller_and_the_next_append_works(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append({"request": 0})
    path = tmp_path / "audit.jsonl"
    path.rename(tmp_path / "kept")
    path.mkdir()  # the log cannot be opened for appending
    with pytest.raises(IsADirectoryError):
        log.append({"request": 1})
    path.rmdir()
    (tmp_path / "kept").rename(path)
    assert log.append({"request": 2})["seq"] == 2
    assert verify(tmp_path / "audit.jsonl") == (2, None)


def test_appends_awaited_on_one_event_loop_chain_without_threads_of_their_own(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")

    async def appended():
        return await asyncio.gather(*(log.append_async({"request": i}) for i in range(200)))

    written = asyncio.run(appended())
    assert [w["request"] for w in written] == list(range(200))
    assert sorted(w["seq"] for w in written) == list(range(1, 201))
    assert verify(tmp_path / "audit.jsonl") == (200, None)


def test_a_cancelled_await_still_writes_its_entry_and_the_writer_goes_on(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")

    async def cancel_one():
        waiting = asyncio.ensure_future(log.append_async({"request": "gone"}))
        await asyncio.sleep(0)
        waiting.cancel()
        return await asyncio.wait_for(asyncio.gather(  # a dead writer fails, not hangs
            *(log.append_async({"request": i}) for i in range(20))), timeout=30)

    written = asyncio.run(cancel_one())
    assert [w["request"] for w in written] == list(range(20))
    assert asyncio.run(asyncio.wait_for(log.append_async({"request": "last"}),
                                        timeout=30))["seq"] == 22
    lines = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [x["request"] for x in lines].count("gone") == 1
    assert verify(tmp_path / "audit.jsonl") == (22, None)
