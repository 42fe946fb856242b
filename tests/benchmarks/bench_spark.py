"""The Spark engine beside the local engine on the generator's multi-department data.

    nice -n 10 .venv/bin/python tests/benchmarks/bench_spark.py [--persons 27000 ...]
        [--master local[2]] [--workdir DIR] [--json FILE] [--ingest engine|local]

For each size (generator persons; about 3.7 records per person with organisations), both
engines ingest and link the same sources, each in its own spawned process, and the
benchmark prints: wall seconds of ingest and of linking, peak RSS of the process tree over
both (driver and, for Spark, its JVM; psutil polled every 0.2 s), the shuffle bytes Spark wrote and read
(from its status store, summed over executors), and pairwise F1 against the truth and of
Spark against local. 27,000 persons make about 100k records.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from link_harness import run_isolated  # noqa: E402


class TreePeak:
    """Peak resident memory of this process and all its descendants (the Spark JVM)."""

    def __init__(self, every: float = 0.2) -> None:
        self.every, self.peak = every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.every):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def shuffle_bytes(spark) -> dict:
    """Shuffle bytes written and read by every executor (the driver's in local mode) over
    the session, from Spark's status store (what the UI and REST API would show)."""
    executors = spark.sparkContext._jsc.sc().statusStore().executorList(False)
    written = read = 0
    for i in range(executors.size()):
        executor = executors.apply(i)
        written += executor.totalShuffleWrite()
        read += executor.totalShuffleRead()
    return {"shuffle_write_mb": written / 2**20, "shuffle_read_mb": read / 2**20}


def link_once(spec: str, engine: str, master: str, out: str, ingest_engine: str) -> dict:
    """Ingest with ``ingest_engine`` ("engine": the one linking), then link with ``engine``
    (each timed, memory-polled, its steps' times on stderr); clusters go to ``out``."""
    from kglink import api

    ingest_with = engine if ingest_engine == "engine" else ingest_engine
    with TreePeak() as peak:
        start = time.perf_counter()
        ingested = api.ingest(spec, progress=True, engine=ingest_with, master=master)
        ingest_seconds = time.perf_counter() - start
        start = time.perf_counter()
        linked = api.link(ingested, judgments=(), engine=engine, master=master, progress=True)
        seconds = time.perf_counter() - start
    records = len(ingested.persons) + len(ingested.organizations)
    row = {"engine": engine, "records": records, "ingest_seconds": ingest_seconds,
           "ingest_engine": ingest_with,
           "seconds": seconds,
           "peak_rss_mb": peak.peak / 2**20,
           "pairs_compared": sum(s["pairs_compared"] for s in linked.stats.values())}
    if engine == "spark":
        from linking.spark.session import spark_session

        row.update(shuffle_bytes(spark_session(master)))
    linked.clusters.to_csv(out, index=False)
    return row


def f1(clusters: pd.DataFrame, truth: pd.DataFrame) -> float:
    from linking.evaluation import pairwise_scores

    return pairwise_scores(clusters, truth)[2]


def bench(persons: int, master: str, work: Path, ingest_engine: str) -> list[dict]:
    """Both engines on one generated data set; each engine's row is printed as soon as it
    is known (a later failure, such as the Spark driver running out of memory, keeps it)."""
    from loaders.synthetic.generate import generate

    spec = work / f"gen{persons}" / "SOURCES.yaml"
    if not spec.is_file():  # a --workdir keeps the generated data for the next run
        spec = generate(spec.parent, persons=persons, organizations=max(persons // 5, 1),
                        seed=7, formats="fast")
    truth = pd.concat([pd.read_csv(spec.parent / f"truth_{kind}.csv", dtype=str)
                       for kind in ("persons", "organizations")], ignore_index=True)
    rows, clusters = [], {}
    for engine in ("local", "spark"):
        out = work / f"clusters_{engine}_{persons}.csv"
        rows.append(run_isolated(link_once, str(spec), engine, master, str(out),
                                 ingest_engine))
        clusters[engine] = pd.read_csv(out, dtype=str)
        rows[-1]["f1_truth"] = f1(clusters[engine], truth)
        if engine == "spark":
            local_truth = clusters["local"].rename(columns={"entity_id": "true_id"})
            rows[-1]["f1_vs_local"] = f1(clusters["spark"], local_truth)
        print_row(rows[-1])
    return rows


def print_header(master: str) -> None:
    print(f"| records | engine | ingest s | link s | peak RSS MB (tree) | shuffle write MB | "
          f"shuffle read MB | pairs compared | F1 truth | F1 vs local |  ({master})")
    print("|---|---|---|---|---|---|---|---|---|---|", flush=True)


def print_row(r: dict) -> None:
    write = f"{r['shuffle_write_mb']:.1f}" if "shuffle_write_mb" in r else "-"
    read = f"{r['shuffle_read_mb']:.1f}" if "shuffle_read_mb" in r else "-"
    vs = f"{r['f1_vs_local']:.4f}" if "f1_vs_local" in r else "-"
    print(f"| {r['records']:,} | {r['engine']} | {r['ingest_seconds']:.1f} "
          f"({r['ingest_engine']}) | "
          f"{r['seconds']:.1f} | "
          f"{r['peak_rss_mb']:,.0f} | {write} | {read} | {r['pairs_compared']:,} | "
          f"{r['f1_truth']:.4f} | {vs} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[27_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--ingest", choices=("engine", "local"), default="engine",
                        help="ingest with the engine that links (default) or locally for both")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-spark-"))
    print_header(args.master)
    rows = [row for persons in args.persons
            for row in bench(persons, args.master, work, args.ingest)]
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
