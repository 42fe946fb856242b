"""Benchmark: how realistic the generator's names and household phones are for linking.

    .venv/bin/python tests/benchmarks/bench_name_distribution.py [--persons 100000] [--seed 7]
    .venv/bin/python tests/benchmarks/bench_name_distribution.py --persons 1000000

On the true persons (before noise) it prints the number of distinct full names, the commonest
name and its holders, the share of people whose name is shared with 10 or more others and the
surname shares; on households, how many people live with family, have only the household's
phone, and share a landline. It then writes all departments ("fast" formats, timed) and
prints, per department, the share of person records whose phone another true person's record
also gives (the household phone sharing that a linker must not take for identity).
Reference (a province's household register, 100k people): about 10.9k distinct names, the
commonest (李娜) held by about 843, 82% sharing their name with 10 or more others.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def name_figures(names: pd.Series) -> dict:
    """Distinct names, the commonest and its count, share of people sharing their name with
    at least 10 others."""
    counts = names.value_counts()
    holders = names.map(counts)
    return {"distinct": len(counts), "commonest": counts.index[0],
            "commonest_count": int(counts.iloc[0]), "shared_10": float((holders >= 11).mean())}


def _print_world(persons: pd.DataFrame, seconds: float) -> None:
    from loaders.synthetic import vocab

    n = len(persons)
    figures = name_figures(persons["name"])
    print(f"true persons:          {n:,} (drawn in {seconds:.1f} s)")
    print(f"distinct full names:   {figures['distinct']:,} "
          f"({figures['distinct'] / n * 100_000:,.0f} per 100k)")
    print(f"commonest name:        {figures['commonest']} x {figures['commonest_count']:,} "
          f"({figures['commonest_count'] / n * 100_000:,.0f} per 100k)")
    print(f"name shared with >=10 others: {figures['shared_10']:.1%} of people")
    surnames = pd.Series(np.asarray(vocab.SURNAMES, dtype=object)[persons["surname"]])
    top = surnames.value_counts(normalize=True)
    print("commonest surnames:    " + ", ".join(f"{s} {p:.2%}" for s, p in top.head(5).items())
          + f"; top 100 cover {top.head(100).sum():.1%}")
    family = persons.groupby("household")["rank"].transform("size") >= 2
    landline = persons["household_phone"].str.contains("-", regex=False)
    print(f"living with family:    {family.mean():.1%}; of them "
          f"{persons.loc[family, 'mobile'].isna().mean():.1%} have only the household phone, "
          f"{landline[family].mean():.1%} share a landline, the rest the head's mobile")


def _department_phones(spec_path: Path) -> pd.DataFrame:
    """department, true_id, phone (standardised) of every person record that gives one."""
    from loaders.spec import load_spec
    from loaders.standardise.phones import normalise_phones

    truth = pd.read_csv(spec_path.parent / "truth_persons.csv", dtype=str)
    parts = []
    for source in load_spec(spec_path).sources:
        phone = [c for c, f in source.columns.items() if f == "phone"]
        if source.entity != "person" or not phone:
            continue
        frame = pd.read_parquet(spec_path.parent / source.path,
                                columns=[source.id_column, phone[0]])
        parts.append(pd.DataFrame({"department": source.department,
                                   "record_id": frame[source.id_column].astype(str),
                                   "phone": normalise_phones(frame[phone[0]])["phone"]}))
    records = pd.concat(parts, ignore_index=True).dropna(subset=["phone"])
    return records.merge(truth, on=["department", "record_id"], how="left", validate="1:1")


def _print_sharing(records: pd.DataFrame) -> None:
    owners = records.groupby("phone")["true_id"].nunique()
    shared = records["phone"].map(owners) >= 2
    print(f"person records with a phone: {len(records):,}; the phone is also given by another "
          f"person in {shared.mean():.1%} of them")
    for department, part in records.assign(shared=shared).groupby("department")["shared"]:
        print(f"  {department:8s} {len(part):9,d} records  shared {part.mean():6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--organizations", type=int, default=None,
                        help="default: a tenth of --persons")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from loaders.synthetic import generate
    from loaders.synthetic.generate import world

    organizations = args.organizations or max(args.persons // 10, 1)
    started = time.perf_counter()
    true = world(args.persons, organizations, np.random.default_rng(args.seed))
    _print_world(true.persons, time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = time.perf_counter(), time.process_time()
        spec = generate(Path(tmp), persons=args.persons, organizations=organizations,
                        seed=args.seed, formats="fast")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"generate(persons={args.persons:,}, organizations={organizations:,}, "
              f"formats='fast'): {wall:.1f} s wall, {cpu:.1f} s CPU")
        _print_sharing(_department_phones(spec))


if __name__ == "__main__":
    main()
