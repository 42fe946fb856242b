"""Benchmark: incremental resolution with ``kglink.Resolver.add_record`` against the batch.

    .venv/bin/python tests/benchmarks/bench_add_record.py [--persons 2000] [--hold 200]
        [--seed 5] [--workdir DIR]

The generator writes the sources; ``--hold`` random person records and every record that
alone bridges two parts of an entity (an articulation point of the full batch's accepted
links) are held back. The smaller load goes into Neo4j; the held records are added one by one
(timed: p50 / p95 / mean ms per add, and the outcomes); then a batch run over all the sources
(the anchor, timed) must leave the graph as the adds drew it: the script prints how many
records the two disagree on and the batch's merges and splits (0 and 0 when they agree).

The database of the configured Neo4j is WIPED first: point KGLINK_HOME / KGLINK_BOLT_PORT
(or NEO4J_URI) at a server meant for benchmarking.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import kglink  # noqa: E402
from graph.admin import reset_database  # noqa: E402
from graph.store.previous import read_previous_clusters  # noqa: E402
from loaders.fields import FIELDS  # noqa: E402
from loaders.synthetic.generate import generate  # noqa: E402
from loaders.synthetic.holdout import bridge_records, hold_back  # noqa: E402


def as_record(row: pd.Series) -> dict:
    fields = ("department", "record_id", *FIELDS["person"])
    return {f: row[f] for f in fields if f in row.index and not pd.isna(row[f])}


def assignment(frame: pd.DataFrame) -> pd.Series:
    keys = frame["department"].astype(str) + ":" + frame["record_id"].astype(str)
    return pd.Series(frame["entity_id"].astype(str).to_numpy(), index=keys.to_numpy())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--hold", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kglink-bench-add-"))
    shutil.rmtree(work / "full", ignore_errors=True)
    shutil.rmtree(work / "reduced", ignore_errors=True)
    spec = generate(work / "full", persons=args.persons,
                    organizations=max(args.persons // 5, 1), seed=args.seed, formats="fast")
    ingested = kglink.ingest(spec)
    persons = ingested.persons.astype({"department": str, "record_id": str})
    keys = persons["department"] + ":" + persons["record_id"]
    cut = bridge_records(kglink.link(ingested, judgments=()).links)
    held = persons[keys.isin(cut) | keys.isin(keys.sample(args.hold, random_state=args.seed))]
    hold_back(work / "full", work / "reduced", held)

    driver, database = kglink.connect()
    reset_database(driver, database)
    kglink.run(work / "reduced" / "SOURCES.yaml", driver=driver, database=database,
               judgments=())
    took, outcomes = [], {}
    with kglink.Resolver(driver=driver, database=database) as resolver:
        for _, row in held.iterrows():
            started = time.perf_counter()
            added = resolver.add_record(as_record(row))
            took.append(time.perf_counter() - started)
            outcomes[added.outcome] = outcomes.get(added.outcome, 0) + 1
    graph = assignment(read_previous_clusters(driver, database))
    started = time.perf_counter()
    rerun = kglink.run(spec, driver=driver, database=database, judgments=())
    batch_seconds = time.perf_counter() - started
    batch = assignment(rerun.linked.clusters)
    driver.close()

    ms = np.array(took) * 1000
    disagree = int((batch.reindex(graph.index) != graph).sum()) + len(
        batch.index.difference(graph.index))
    print(f"records in the graph after the adds {len(graph):>10,}")
    print(f"records added                      {len(held):>10,}   ({len(cut & set(keys))} "
          "bridge records)")
    print("outcomes                           " + ", ".join(
        f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"add_record p50 / p95 / mean        {np.percentile(ms, 50):>7.0f} / "
          f"{np.percentile(ms, 95):.0f} / {ms.mean():.0f} ms")
    print(f"anchor: batch run over all sources {batch_seconds:>10.1f} s   "
          f"({batch_seconds * 1000 / len(batch):.2f} ms per record, {len(batch):,} records)")
    print(f"records the batch places elsewhere {disagree:>10}   (batch merges "
          f"{rerun.summary.merges}, splits {rerun.summary.splits})")


if __name__ == "__main__":
    main()
