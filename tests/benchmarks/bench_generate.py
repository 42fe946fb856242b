"""Benchmark: the synthetic generator producing about a million records ("fast" formats).

    .venv/bin/python tests/benchmarks/bench_generate.py [--persons 300000] [--organizations 30000]

Prints wall and CPU time, the number of person, organisation and relation records written,
and records per second. Target: 1M records in well under a minute.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--organizations", type=int, default=30_000)
    args = parser.parse_args()
    from loaders.synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = time.perf_counter(), time.process_time()
        spec = generate(Path(tmp), persons=args.persons, organizations=args.organizations,
                        formats="fast")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        persons = len(pd.read_csv(spec.parent / "truth_persons.csv", usecols=["record_id"]))
        orgs = len(pd.read_csv(spec.parent / "truth_organizations.csv", usecols=["record_id"]))
        relations = sum(len(pd.read_csv(p, usecols=[0])) for p in Path(tmp).glob("*.csv")
                        if not p.name.startswith("truth_"))
    total = persons + orgs + relations
    print(f"records written:  {total:,} ({persons:,} person, {orgs:,} organisation, "
          f"{relations:,} relation) from {args.persons:,} true persons, "
          f"{args.organizations:,} true organisations")
    print(f"time:             {wall:.1f} s wall, {cpu:.1f} s CPU (machine shared; "
          "includes writing parquet/csv and truth files)")
    print(f"throughput:       {total / wall:,.0f} records/s wall")


if __name__ == "__main__":
    main()
