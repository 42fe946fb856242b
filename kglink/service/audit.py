"""The tamper-evident audit log: ``$KGLINK_HOME/audit.jsonl``, one JSON object per request.

Each entry carries ``prev``, the SHA-256 of the previous entry's line (the first entry
chains to ``GENESIS``), and ``hash``, the SHA-256 of its own content without ``hash``. So
an edited line fails its own hash, and a deleted, inserted or reordered line breaks the
chain at the line after the change. ``audit.head`` (entry count and last line's hash,
rewritten with every append) catches lines cut from the end. Appends hold an exclusive
file lock and go through one writer thread, so concurrent requests and processes cannot fork
the chain; the writer commits the entries waiting together (one fsync for many requests).

The log detects changes; it cannot stop someone able to rewrite the whole file and its head
consistently: ship it to write-once storage for that.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import os
import threading
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from linking.kglink_home import kglink_home

GENESIS = hashlib.sha256(b"kglink audit log genesis").hexdigest()


def audit_path() -> Path:
    """``$KGLINK_HOME/audit.jsonl``."""
    return kglink_home() / "audit.jsonl"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _last_line(path: Path) -> bytes | None:
    """The file's last non-empty line (read backwards from the end), or None."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        end = f.tell()
        block, data = 4096, b""
        while end > 0:
            start = max(0, end - block)
            f.seek(start)
            data = f.read(end - start) + data
            stripped = data.rstrip(b"\n")
            if b"\n" in stripped or start == 0:
                return stripped.rsplit(b"\n", 1)[-1] or None
            end = start
    return None


class AuditLog:
    """Appends hash-chained entries to the log file.

    Appends are group-committed: one writer thread takes every entry waiting, chains them,
    writes them with one ``fsync`` and one head update, then settles each one's future. So
    50 concurrent requests pay for a few syncs, not 50, and an append returns only once its
    own entry is on disk. ``append`` blocks its thread; ``append_async`` awaits on the event
    loop, so a request's audit costs no worker thread."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else audit_path()
        self.head = self.path.with_suffix(".head")
        self._waiting: list[tuple[dict[str, Any], Future]] = []
        self._wake = threading.Condition()
        self._writer: threading.Thread | None = None

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Add ``entry`` (plus ``at``, ``seq``, ``prev`` and ``hash``) at the end of the
        chain; returns it as written, once it is on disk."""
        return self._queue(entry).result()

    async def append_async(self, entry: dict[str, Any]) -> dict[str, Any]:
        """``append`` for a coroutine: waits on the event loop, not in a thread. A caller
        cancelled meanwhile (its client went away) still has its entry written: the shield
        keeps the cancellation from reaching the writer's future."""
        return await asyncio.shield(asyncio.wrap_future(self._queue(entry)))

    def _queue(self, entry: dict[str, Any]) -> Future:
        """The future of ``entry`` as written, once the writer has it on disk."""
        future: Future = Future()
        with self._wake:
            self._waiting.append((entry, future))
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write_forever, daemon=True,
                                                name="kglink-audit-writer")
                self._writer.start()
            self._wake.notify()
        return future

    def _write_forever(self) -> None:
        while True:
            with self._wake:
                while not self._waiting:
                    self._wake.wait()
                batch, self._waiting = self._waiting, []
            try:
                written = self._write([entry for entry, _ in batch])
            except BaseException as exc:  # noqa: BLE001 - raised again in each caller
                for _, future in batch:
                    future.set_exception(exc)
            else:
                for (_, future), full in zip(batch, written, strict=True):
                    future.set_result(full)

    def _write(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Chain and write ``entries`` under the file lock (other processes append too)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            count, prev = self._head()
            written, lines = [], []
            for entry in entries:
                count += 1
                body = {**entry, "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                        "seq": count, "prev": prev}
                full = {**body, "hash": _sha(_canonical(body))}
                line = _canonical(full)
                prev = _sha(line)
                written.append(full)
                lines.append(line + b"\n")
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "ab") as out:
                out.write(b"".join(lines))
                out.flush()
                os.fsync(out.fileno())
            self._write_head(count, prev)
        return written

    def _head(self) -> tuple[int, str]:
        """(entries so far, hash of the last line) from the head file, else the log itself."""
        try:
            data = json.loads(self.head.read_text(encoding="utf-8"))
            return int(data["entries"]), str(data["last"])
        except (OSError, ValueError, KeyError):
            pass
        if not self.path.exists():
            return 0, GENESIS
        last = _last_line(self.path)
        if last is None:
            return 0, GENESIS
        return int(json.loads(last)["seq"]), _sha(last)

    def _write_head(self, entries: int, last: str) -> None:
        tmp = self.head.with_suffix(".head.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"entries": entries, "last": last}, out)
        os.replace(tmp, self.head)


def verify(path: Path | None = None) -> tuple[int, str | None]:
    """(entries checked, None) for an intact log, else (entries before the fault, a one-line
    message naming the first bad line)."""
    log = AuditLog(path)
    if not log.path.exists():
        return 0, None
    prev, n = GENESIS, 0
    with open(log.path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.rstrip(b"\n")
            fault = _line_fault(line, number, prev)
            if fault:
                return n, f"{log.path}:{number}: {fault}"
            prev, n = _sha(line), n + 1
    return n, _head_fault(log, n, prev)


def _line_fault(line: bytes, number: int, prev: str) -> str | None:
    try:
        entry = json.loads(line)
        body = {k: v for k, v in entry.items() if k != "hash"}
        own, seq, chained = entry["hash"], entry["seq"], entry["prev"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return "not an audit entry (edited or inserted)"
    if _sha(_canonical(body)) != own:
        return "entry does not match its hash (edited)"
    if chained != prev:
        return ("does not chain to the line before it (a line was edited, deleted, inserted "
                "or moved)")
    if seq != number:
        return f"entry number {seq} found at line {number} (lines deleted or moved)"
    return None


def _head_fault(log: AuditLog, entries: int, last: str) -> str | None:
    try:
        head = json.loads(log.head.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None if entries == 0 else f"{log.head}: missing or unreadable"
    if head.get("entries") != entries or head.get("last") != last:
        return (f"{log.path}: ends after {entries} entries but {log.head.name} records "
                f"{head.get('entries')} (lines cut from the end or the head edited)")
    return None
