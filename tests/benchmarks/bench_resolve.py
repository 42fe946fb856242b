"""Real-time resolution from Python: records/s in batches and single-record latency, beside
the batch ``link`` time per record on the same data (the anchor).

    .venv/bin/python tests/benchmarks/bench_resolve.py [--persons 35000] [--queries 5000]
        [--batch 1000 5000] [--singles 300] [--workdir DIR] [--cache DIR]

kglink's generator writes the sources (--persons true persons give ~3.3 person records
each: 35,000 give ~115,000 records); they are ingested and linked (timed: the anchor), and
the linked person records are indexed in memory as ``graph.resolver_index`` indexes the
graph's records (RecordIndex over the same standardised fields, frozen out of the cyclic
garbage collector as ``kglink.api.Resolver`` freezes it; the Neo4j read is not timed
here). The queries are linked records resolved as a service would send them: no ID number
(so the model, not the identifier rule, decides), department and record id left out, and
every third name with its last character changed.

At scale: ``--persons 300000`` indexes ~1M person records (generation and linking take
several minutes). ``--cache DIR`` keeps the linked person records (``persons.parquet``, with
their entity ids) and the fitted model (``model.json``) in DIR on the first run and reuses
them on later runs, which then skip generating and linking (and print no anchor).

Targets (issue 14): >= 2,000 records/s in batches on 100k+ indexed records; p95 <= 20 ms
for one record on 1M resolved persons.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import kglink
from linking.model import ModelSet
from linking.record_index import RecordIndex, freeze_long_lived
from linking.resolver import Resolver
from loaders.fields import FIELDS
from loaders.synthetic.generate import generate


def query_records(persons: pd.DataFrame, n: int, seed: int = 1) -> list[dict]:
    """``n`` linked records as noisy service queries (see the module docstring)."""
    rng = np.random.default_rng(seed)
    rows = persons.iloc[rng.choice(len(persons), size=min(n, len(persons)), replace=False)]
    fields = [f for f in FIELDS["person"] if f in rows.columns and f != "id_number"]
    out = []
    for k, row in enumerate(rows[fields].astype(object).to_dict("records")):
        record = {f: v for f, v in row.items() if not pd.isna(v)}
        if k % 3 == 0 and record.get("name"):
            record["name"] = record["name"][:-1] + "晓"
        out.append(record)
    return out


def batch_time(resolver: Resolver, queries: list[dict], size: int, read: bool) -> float:
    """Seconds to resolve every query in batches of ``size``; with ``read`` every
    candidate's evidence is decoded as a caller reading it would (a service may instead
    pass ``evidence_json`` through)."""
    started = time.perf_counter()
    for start in range(0, len(queries), size):
        for candidates in resolver.resolve_many(queries[start:start + size]):
            for candidate in candidates if read else ():
                candidate.evidence  # noqa: B018
    return time.perf_counter() - started


def linked_persons(persons: int, workdir: Path | None
                   ) -> tuple[pd.DataFrame, ModelSet, tuple[int, float] | None]:
    """Generated person records with their ``entity_id``, the fitted models, and the anchor
    (records linked, seconds)."""
    work = workdir or Path(tempfile.mkdtemp(prefix="kglink-bench-resolve-"))
    spec = generate(work, persons=persons, organizations=max(persons // 50, 1),
                    formats="fast")
    ingested = kglink.ingest(spec)
    started = time.perf_counter()
    linked = kglink.link(ingested, judgments=())
    link_seconds = time.perf_counter() - started
    found = ingested.persons
    entity_of = linked.clusters.set_index(["department", "record_id"])["entity_id"]
    found = found.assign(entity_id=entity_of.loc[list(zip(
        found["department"], found["record_id"], strict=True))].to_numpy())
    n_records = len(found) + len(ingested.organizations)
    return found, linked.models, (n_records, link_seconds)


def cached_persons(args: argparse.Namespace
                   ) -> tuple[pd.DataFrame, ModelSet, tuple[int, float] | None]:
    """``linked_persons``, kept in (and on later runs read from) ``--cache``."""
    if args.cache is None:
        return linked_persons(args.persons, args.workdir)
    records, model = args.cache / "persons.parquet", args.cache / "model.json"
    if records.is_file() and model.is_file():
        return pd.read_parquet(records), ModelSet.load(model), None
    found, models, anchor = linked_persons(args.persons, args.workdir)
    args.cache.mkdir(parents=True, exist_ok=True)
    found.to_parquet(records, index=False)
    models.save(model)
    return found, models, anchor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=35_000)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--batch", type=int, nargs="+", default=[1_000, 5_000])
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    persons, models, anchor = cached_persons(args)
    entity_ids = persons.pop("entity_id")

    started = time.perf_counter()
    index = RecordIndex(models)
    index.add("person", persons, entity_ids)
    index.build()
    freeze_long_lived()  # as kglink.api.Resolver does once its index is built
    resolver = Resolver(models, index)
    index_seconds = time.perf_counter() - started

    queries = query_records(persons, args.queries)
    per_second = {(size, read): len(queries) / batch_time(resolver, queries, size, read)
                  for size in args.batch for read in (False, True)}

    latencies, cpu = [], []  # wall clock, and this process's CPU time (less shared-machine noise)
    for record in queries[:args.singles]:
        started, started_cpu = time.perf_counter(), time.process_time()
        resolver.resolve(record)
        latencies.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    p50, p95 = np.percentile(np.array(latencies) * 1000, [50, 95])
    cpu50, cpu95 = np.percentile(np.array(cpu) * 1000, [50, 95])

    print(f"indexed person records         {index.count('person'):>12,}")
    print(f"index build (prepare + blocks) {index_seconds:>12.2f} s")
    for (size, read), rate in per_second.items():
        evidence = "evidence decoded" if read else "evidence as JSON text"
        print(f"resolve_many, batches of {size:<5} {rate:>12,.0f} records/s   ({evidence}; "
              "target >= 2,000)")
    print(f"resolve one record  p50        {p50:>12.1f} ms")
    print(f"resolve one record  p95        {p95:>12.1f} ms   (target <= 20 on 1M persons)")
    print(f"resolve one record  CPU p50/p95 {cpu50:>8.1f} / {cpu95:.1f} ms")
    if anchor is not None:
        n_records, link_seconds = anchor
        print(f"anchor: batch link             {n_records / link_seconds:>12,.0f} records/s   "
              f"({link_seconds * 1000 / n_records:.3f} ms per record, {n_records:,} records, "
              f"{link_seconds:.1f} s)")


if __name__ == "__main__":
    main()
