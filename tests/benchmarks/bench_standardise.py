"""Benchmark: standardisation throughput on 1M generated person records, and peak memory.

Generates person sources (fast formats), reads and maps them to canonical fields, then times
`standardise_persons` over the whole frame in ingest-sized chunks. Prints rows/s (target:
>= 200k rows/s on a 2-core machine) and the peak resident memory while standardising.

    .venv/bin/python tests/benchmarks/bench_standardise.py [--rows 1000000] [--chunk 200000]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil


class PeakRSS:
    """Samples this process's resident memory every 20 ms; `peak` is the maximum seen."""

    def __init__(self) -> None:
        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> PeakRSS:
        self.peak = self.proc.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def person_frame(rows: int, workdir: Path) -> pd.DataFrame:
    """`rows` raw person rows (canonical field names, text) from generated sources."""
    from loaders.ingest import _load_chunk
    from loaders.readers import read_chunks
    from loaders.spec import load_spec
    from loaders.synthetic import generate

    spec = load_spec(generate(workdir, persons=max(rows // 3 + 1, 1000),
                              organizations=max(rows // 100, 100), formats="fast"))
    parts, total = [], 0
    for source in spec.sources:
        if source.entity != "person":
            continue
        wanted = [source.id_column, *dict.fromkeys(source.columns)]
        for chunk in read_chunks(source, wanted):
            good, _ = _load_chunk(source, chunk.frame, chunk.lines, chunk.bad)
            parts.append(good)
            total += len(good)
    frame = pd.concat(parts, ignore_index=True)
    while len(frame) < rows:
        frame = pd.concat([frame, frame], ignore_index=True)
    return frame.iloc[:rows].reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=200_000)
    args = parser.parse_args()
    from loaders.standardise.frames import standardise_persons

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        frame = person_frame(args.rows, Path(tmp))
        prep = time.perf_counter() - t0
    standardise_persons(frame.iloc[:1000].copy())  # warm-up: imports, tables, pinyin cache
    base = psutil.Process().memory_info().rss
    with PeakRSS() as mem:
        t0, c0 = time.perf_counter(), time.process_time()
        done = 0
        for start in range(0, len(frame), args.chunk):
            out = standardise_persons(frame.iloc[start:start + args.chunk])
            done += len(out.frame)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"rows standardised:       {done:,} person records (prepared in {prep:.1f} s)")
    print(f"standardisation time:    {elapsed:.2f} s in chunks of {args.chunk:,}")
    print(f"throughput:              {done / elapsed:,.0f} rows/s wall  (target >= 200,000)")
    print(f"CPU time:                {cpu:.2f} s -> {done / cpu:,.0f} rows per CPU-second "
          "(what an unshared core would give; standardisation is single-threaded)")
    print(f"peak RSS while running:  {mem.peak / 2**20:,.0f} MiB "
          f"(+{(mem.peak - base) / 2**20:,.0f} MiB over the loaded input)")
    print(f"CPUs: {psutil.cpu_count()} (shared with other work; figures are indicative)")


if __name__ == "__main__":
    main()
