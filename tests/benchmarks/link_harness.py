"""Shared harness of the linking benchmarks (bench_link_*.py): isolation, timing, scoring.

Each tool runs in its own freshly spawned process, so its peak RSS is its own and one
tool's caches cannot help another. Timings exclude imports: for kglink
the whole ``kglink link`` command (read SOURCES.yaml, ingest, link, write outputs); for
Splink and recordlinkage's ECM, from the loaded frames to clusters.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from linking.evaluation import pair_counts, scores_from_counts  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_isolated(fn: Callable[..., dict], *args: Any) -> dict:
    """Run ``fn(*args)`` in a fresh spawned process and return its result dict."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


def _cpu_total() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Stopwatch:
    """Wall-clock and CPU seconds (all threads, waited-for children) since construction.

    CPU seconds matter on a shared machine: wall time there depends on the neighbours.
    """

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.cpu_start = _cpu_total()

    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def cpu_seconds(self) -> float:
        return _cpu_total() - self.cpu_start


def stats_pairs(stats: dict) -> int | None:
    """Candidate pairs compared, summed over entity types, from link_stats.json."""
    counts = [v["pairs_compared"] for v in stats.values()
              if isinstance(v, dict) and isinstance(v.get("pairs_compared"), int)]
    return sum(counts) if counts else None


def run_kglink(spec_path: str, out_dir: str) -> dict:
    """``kglink link SOURCES.yaml --out DIR --no-progress``, in-process, as a user runs it.

    Judgments are pointed at an empty file so that no stray judgment of this machine
    steers the benchmark. Time and peak RSS cover the whole command (ingest, link and
    writing clusters.csv / links.csv / quality.json).
    """
    import argparse
    import contextlib
    import json
    import os
    import shutil

    from kglink.commands import link as link_command

    if Path(out_dir).exists():  # a fresh run: no earlier clusters.csv to carry ids over from
        shutil.rmtree(out_dir)
    os.environ["KGLINK_JUDGMENTS"] = str(Path(out_dir).with_name("no-judgments.jsonl"))
    parser = argparse.ArgumentParser(prog="kglink link")
    link_command.add_arguments(parser)
    args = parser.parse_args([spec_path, "--out", out_dir, "--no-progress"])
    watch = Stopwatch()
    with contextlib.redirect_stdout(sys.stderr):  # keep the benchmark table clean
        code = link_command.run(args)
    seconds, cpu, rss = watch.seconds(), watch.cpu_seconds(), peak_rss_mb()
    if code != 0:
        raise RuntimeError(f"kglink link exited {code}")
    out = Path(out_dir)
    stats = json.loads((out / "link_stats.json").read_text(encoding="utf-8"))
    clusters = pd.read_csv(out / "clusters.csv", dtype=str, keep_default_na=False)
    return {"clusters": clusters, "pairs": stats_pairs(stats), "seconds": seconds,
            "cpu_seconds": cpu, "peak_rss_mb": rss, "stats": stats}


def clusters_from_pairs(ids: Iterable[str], left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
    """Connected components of accepted pairs -> (record_id, entity_id) for every id."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = pd.Index(list(ids))
    li, ri = index.get_indexer(left), index.get_indexer(right)
    n = len(index)
    graph = coo_matrix((np.ones(len(li)), (li, ri)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return pd.DataFrame({"record_id": index.astype(str), "entity_id": labels.astype(str)})


def score(clusters: pd.DataFrame, truth: pd.DataFrame, key=("department", "record_id")) -> dict:
    """Pairwise precision / recall / F1 plus the pair counts behind them."""
    counts = pair_counts(clusters, truth, key=key)
    precision, recall, f1 = scores_from_counts(counts)
    return {"precision": precision, "recall": recall, "f1": f1, **counts}


def fmt_row(row: dict) -> str:
    pairs = f"{row['pairs']:,}" if row.get("pairs") is not None else "n/a"
    ratio = f"{row['ratio']:.2f}" if row.get("ratio") is not None else ""
    cpu = f"{row['cpu_seconds']:.1f}" if row.get("cpu_seconds") is not None else "n/a"
    return (f"| {row['dataset']} | {row['tool']} | {pairs} | {row['seconds']:.1f} | {cpu} | "
            f"{row['peak_rss_mb']:,.0f} | {row['precision']:.4f} | {row['recall']:.4f} | "
            f"{row['f1']:.4f} | {ratio} |")


def print_table(rows: list[dict], kglink_vs: float | None = None) -> None:
    """The benchmark table (Markdown), with kglink's time as a ratio of Splink's.

    The ratio is against Splink's row of the same dataset, or against ``kglink_vs``
    seconds when given (kglink resolved several datasets in one run).
    """
    splink = {r["dataset"]: r["seconds"] for r in rows if r["tool"].startswith("Splink")}
    for row in rows:
        base = kglink_vs if kglink_vs is not None else splink.get(row["dataset"])
        row["ratio"] = row["seconds"] / base if row["tool"] == "kglink" and base else None
    print("| dataset | tool | pairs compared | seconds | CPU s | peak RSS MiB | precision "
          "| recall | pairwise F1 | time kglink/Splink |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(fmt_row(row))
    sys.stdout.flush()


def failure_row(dataset: str, tool: str, exc: BaseException) -> dict:
    """A row for a tool that failed: reported, never hidden."""
    print(f"!! {tool} on {dataset} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return {"dataset": dataset, "tool": f"{tool} (FAILED)", "pairs": None, "seconds": float("nan"),
            "peak_rss_mb": float("nan"), "precision": float("nan"), "recall": float("nan"),
            "f1": float("nan")}
