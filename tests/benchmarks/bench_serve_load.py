"""Load on ``POST /resolve`` of a real ``kglink serve`` over loopback: latency percentiles and
throughput at 1, 10 and 50 concurrent clients, the first call's index build, the server's
peak RSS, and in-process ``resolve_many`` in batches of 1,000 (the anchor) in the same run.

    KGLINK_HOME=/tmp/kg-load KGLINK_BOLT_PORT=7731 KGLINK_NEO4J_HEAP=4g \\
    KGLINK_NEO4J_PAGECACHE=2g .venv/bin/python tests/benchmarks/bench_serve_load.py \\
        [--persons 300000] [--requests 3000] [--concurrency 1 10 50] [--warmup 200] \\
        [--workdir DIR]

kglink's generator writes the sources (--persons true persons give ~3.3 person records
each: 300,000 give ~1M records), ``kglink.run`` loads them into the configured Neo4j (the
database is wiped first). With --workdir, the graph loaded from there before is reused while
the database still holds it (same --persons, same count of person records). The queries are
held-back noisy variants of stored records (bench_resolve ``query_records``: no ID number, no
record key, every third name changed). A bounded asyncio client (``Connection``: HTTP/1.1 on
asyncio streams, one kept-alive connection per client) sends them with a ``service`` key;
each level first sends --warmup requests.
``Server-Timing`` splits each answer's time into waiting for the resolver and resolving.

Targets (issue 14): p95 <= 20 ms at 1 client; >= 500 resolves/s at 50 clients;
>= 2,000 records/s from Python in batches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
from bench_resolve import query_records

import kglink
from graph.client import read
from graph.connection import connect, target
from graph.cypher_names import quote
from loaders.synthetic.generate import generate
from ontology.schema import labels, props

ROOT = Path(__file__).resolve().parents[2]
BATCH = 1_000
RETRIES = [0]  # requests sent again after a transport error


@dataclass
class Level:
    """One concurrency level's measurements (milliseconds, per request)."""

    clients: int
    latency: np.ndarray
    queued: np.ndarray
    resolving: np.ndarray
    seconds: float


def stored_person_records(driver, database: str) -> int:
    """How many person SourceRecords the graph holds."""
    query = (f"MATCH (r:{quote(labels.SourceRecord)} {{{quote(props.entity_type)}: 'person'}}) "
             "RETURN count(r) AS n")
    return read(driver, database, query, {})[0]["n"]


def loaded_graph(work: Path, persons: int) -> list[dict]:
    """Generate and load the graph unless the database holds the one loaded from ``work``
    with ``persons``; the queries."""
    marker, saved = work / "loaded.json", work / "queries.json"
    driver, database = connect()
    loaded = json.loads(marker.read_text()) if marker.exists() else {}
    if loaded == {"persons": persons, "records": stored_person_records(driver, database)}:
        print(f"reusing the graph loaded from {work}", flush=True)
        driver.close()
        return json.loads(saved.read_text(encoding="utf-8"))
    from graph.admin import reset_database

    spec = generate(work / "sources", persons=persons, organizations=max(persons // 50, 1),
                    formats="fast")
    reset_database(driver, database)
    started = time.perf_counter()
    result = kglink.run(spec, driver=driver, database=database, judgments=())
    driver.close()
    records = len(result.ingested.persons)
    print(f"generated and loaded {records:,} person records in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    queries = query_records(result.ingested.persons, 20_000)
    saved.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    marker.write_text(json.dumps({"persons": persons, "records": records}))
    return queries


def server_env(home: Path) -> dict[str, str]:
    """A kglink process's environment: the configured Neo4j (started if local) by URI,
    ``home`` for keys and the audit log."""
    t = target()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KGLINK_"))}
    env.update(KGLINK_HOME=str(home), NEO4J_URI=t.uri, NEO4J_USER=t.user,
               NEO4J_PASSWORD=t.password, NEO4J_DATABASE=t.database or "neo4j",
               PYTHONPATH=str(ROOT))
    return env


def start_server(home: Path, port: int) -> tuple[subprocess.Popen, str]:
    """``kglink serve`` on ``port`` with a new service key; the process and the key."""
    env = server_env(home)
    made = subprocess.run([sys.executable, "-m", "kglink", "keys", "add", "load", "--role",
                           "service"], env=env, capture_output=True, text=True, check=True)
    log = open(home / "serve.log", "w")  # noqa: SIM115 - the server's log, open as it runs
    process = subprocess.Popen([sys.executable, "-m", "kglink", "serve", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
            return process, made.stdout.strip()
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"kglink serve did not start: {(home / 'serve.log').read_text()}")


def timings(header: str) -> tuple[float, float]:
    """(queue, resolve) milliseconds from ``Server-Timing: queue;dur=.., resolve;dur=..``."""
    parts = dict(p.strip().split(";dur=") for p in header.split(","))
    return float(parts["queue"]), float(parts["resolve"])


class Connection:
    """One kept-alive HTTP/1.1 connection sending ``POST /resolve``: request bytes written
    and the answer read by Content-Length on asyncio streams. httpx's pool costs the client
    ~8 ms of CPU a request at 50 connections, so on this 2-core machine it measured itself:
    this client costs a few hundredths of that and leaves the cores to the server."""

    def __init__(self, host: str, port: int, key: str) -> None:
        self.host, self.port = host, port
        self.head = (f"POST /resolve HTTP/1.1\r\nHost: {host}:{port}\r\nX-API-Key: {key}\r\n"
                     "Content-Type: application/json\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """(status, lower-cased headers, body), on a new connection when the kept-alive
        one was closed by the server (counted in RETRIES)."""
        for attempt in range(3):
            try:
                return await self._exchange(body)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
                RETRIES[0] += 1
        raise AssertionError("unreachable")

    async def _exchange(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(self.head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        headers = {k.lower(): v for k, v in headers.items()}
        answer = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return int(lines[0].split()[1]), headers, answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def drive(host: str, port: int, key: str, queries: list[dict], clients: int) -> Level:
    """``len(queries)`` resolves by ``clients`` concurrent clients, each on its own
    kept-alive connection."""
    latency, queued, resolving = (np.zeros(len(queries)) for _ in range(3))
    bodies = [json.dumps({"entity": "person", "record": q}, ensure_ascii=False).encode()
              for q in queries]
    next_query = iter(range(len(queries)))

    async def one_client() -> None:
        connection = Connection(host, port, key)
        for i in next_query:
            sent = time.perf_counter()
            status, headers, answer = await connection.post(bodies[i])
            latency[i] = (time.perf_counter() - sent) * 1000
            if status != 200:
                raise SystemExit(f"/resolve answered {status}: {answer.decode()}")
            queued[i], resolving[i] = timings(headers["server-timing"])
        await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return Level(clients, latency, queued, resolving, time.perf_counter() - started)


def first_resolve_seconds(url: str, key: str, query: dict) -> float:
    """The first resolve's time: the server builds its index of every stored record."""
    started = time.perf_counter()
    response = httpx.post(url + "/resolve", json={"entity": "person", "record": query},
                          headers={"X-API-Key": key}, timeout=3600)
    response.raise_for_status()
    return time.perf_counter() - started


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def python_anchor(queries: list[dict]) -> tuple[float, float]:
    """(index build s, records/s) of ``kglink.Resolver.resolve_many`` in batches of 1,000."""
    driver, database = connect()
    started = time.perf_counter()
    resolver = kglink.Resolver(driver=driver, database=database)
    resolver.resolve(queries[0])
    built = time.perf_counter() - started
    started = time.perf_counter()
    for start in range(0, len(queries), BATCH):
        resolver.resolve_many(queries[start:start + BATCH])
    rate = len(queries) / (time.perf_counter() - started)
    driver.close()
    return built, rate


def report(level: Level) -> None:
    p50, p95, p99 = np.percentile(level.latency, [50, 95, 99])
    rate = len(level.latency) / level.seconds
    outside = level.latency - level.queued - level.resolving
    print(f"{level.clients:>3} clients  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"
          f"  {rate:7.0f} resolves/s   (p50 of: waiting for a pass {np.median(level.queued):.1f}"
          f" ms, the pass {np.median(level.resolving):.1f} ms, the rest - HTTP, key, audit, "
          f"JSON, client - {np.median(outside):.1f} ms; {len(level.latency)} requests)",
          flush=True)
    if level.clients == 1:
        print(f"             target p95 <= 20 ms: {'met' if p95 <= 20 else 'NOT met'}")
    if level.clients == 50:
        print(f"             target >= 500 resolves/s: {'met' if rate >= 500 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kglink-bench-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    queries = loaded_graph(work, args.persons)
    home = Path(tempfile.mkdtemp(prefix="kglink-serve-home-"))
    process, key = start_server(home, args.port)
    url = f"http://127.0.0.1:{args.port}"
    try:
        built = first_resolve_seconds(url, key, queries[0])
        print(f"first resolve (waits for the index of every stored record, built from server "
              f"start) {built:.1f} s", flush=True)
        need = args.warmup + args.requests
        for clients in args.concurrency:
            picked = [queries[i % len(queries)] for i in range(need)]
            asyncio.run(drive("127.0.0.1", args.port, key, picked[:args.warmup], clients))
            report(asyncio.run(drive("127.0.0.1", args.port, key, picked[args.warmup:],
                                     clients)))
        print(f"server peak RSS {peak_rss_mb(process.pid):,.0f} MB; requests sent again after "
              f"a transport error: {RETRIES[0]}", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=60)
    anchor_built, rate = python_anchor(queries[:10_000])
    print(f"anchor: kglink.Resolver in-process index build {anchor_built:.1f} s; resolve_many "
          f"in batches of {BATCH:,}: {rate:,.0f} records/s (target >= 2,000)")


if __name__ == "__main__":
    main()
