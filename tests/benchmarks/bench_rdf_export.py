"""Streaming RDF export of a large graph: triples per second and peak memory.

Builds (batched UNWIND, ontology names) a graph of ``--entities`` parties (70% natural persons,
30% legal persons), one SourceRecord per entity (REFERS_TO with score and evidence,
FROM_DEPARTMENT to one of six departments) and one or two shareholdings per company (with
share ratios). It first builds and exports a quarter of the graph, then the whole, both as
N-Triples, then the whole as Turtle, and prints for each: triples, seconds, triples/s, and
the peak resident memory of the exporting process (a fresh child process per export, so the
figure is the export's own). Bounded memory means the peak does not grow with the graph.
WIPES the target database.

    KGLINK_HOME=/tmp/kg-onto KGLINK_BOLT_PORT=7683 .venv/bin/python tests/benchmarks/bench_rdf_export.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from graph.admin import reset_database  # noqa: E402
from graph.connection import connect  # noqa: E402
from graph.ontology_store import apply_schema  # noqa: E402
from graph.rdf_io import export_rdf  # noqa: E402
from ontology.schema import labels as L  # noqa: E402
from ontology.schema import props as P  # noqa: E402
from ontology.schema import rels as R  # noqa: E402

BATCH = 10_000
DEPARTMENTS = ["公安厅户籍", "市场监管局", "税务局", "人社厅社保", "民政厅", "卫健委"]
ENTITY = "https://w3id.org/kglink/id/entity/"


def write(driver, database: str, cypher: str, rows: list, what: str) -> None:
    from tqdm import tqdm

    for start in tqdm(range(0, len(rows), BATCH), desc=what, file=sys.stderr, unit="batch"):
        driver.execute_query(cypher, rows=rows[start:start + BATCH], database_=database)


def build(driver, database: str, first: int, last: int, seed: int) -> None:
    """Add entities ``first``..``last - 1`` with their records and shareholdings."""
    rng = np.random.default_rng(seed + first)
    n = last - first
    idx = np.arange(first, last)
    is_org = idx % 10 >= 7
    persons = idx[~is_org]
    orgs = idx[is_org]
    ids = {i: (f"O{i:08d}" if org else f"P{i:08d}") for i, org in zip(idx.tolist(),
                                                                      is_org.tolist(),
                                                                      strict=True)}
    births = rng.integers(0, 20000, len(persons))
    person_rows = [[ids[i], f"张{i % 997}{i % 89}", f"43010219{b % 50 + 50:02d}0101{i % 10000:04d}",
                    int(b), "M" if i % 2 else "F", f"138{i % 100000000:08d}"]
                   for i, b in zip(persons.tolist(), births.tolist(), strict=True)]
    write(driver, database,
          f"UNWIND $rows AS row CREATE (e:{L.NaturalPerson} {{{P.entity_id}: row[0], "
          f"{P.uri}: '{ENTITY}' + row[0], {P.name}: row[1], {P.names}: [row[1]], "
          f"{P.id_number}: row[2], {P.birth_date}: date('1950-01-01') + duration({{days: row[3]}}), "
          f"{P.sex}: row[4], {P.phone}: row[5]}})", person_rows, "persons")
    org_rows = [[ids[i], f"长沙第{i}科技有限公司", f"91430100MA4L{i % 1000000:06d}"]
                for i in orgs.tolist()]
    write(driver, database,
          f"UNWIND $rows AS row CREATE (e:{L.LegalPerson}:{L.Enterprise} "
          f"{{{P.entity_id}: row[0], {P.uri}: '{ENTITY}' + row[0], {P.name}: row[1], "
          f"{P.credit_code}: row[2], {P.reg_capital}: 1000000.0}})", org_rows, "companies")
    depts = rng.integers(0, len(DEPARTMENTS), n)
    scores = np.round(rng.uniform(0.8, 1.0, n), 4)
    rec_rows = [[DEPARTMENTS[d], f"R{i}", ids[i], float(s)]
                for i, d, s in zip(idx.tolist(), depts.tolist(), scores.tolist(), strict=True)]
    write(driver, database,
          f"UNWIND $rows AS row MATCH (d:{L.Department} {{{P.name}: row[0]}}) "
          f"MATCH (e {{{P.entity_id}: row[2]}}) WHERE e:{L.NaturalPerson} OR e:{L.LegalPerson} "
          f"CREATE (s:{L.SourceRecord} {{{P.record_key}: row[0] + ':' + row[1], "
          f"{P.department}: row[0], {P.record_id}: row[1], {P.line}: 2}}) "
          f"CREATE (s)-[:{R.FROM_DEPARTMENT}]->(d) "
          f"CREATE (s)-[:{R.REFERS_TO} {{{P.score}: row[3], "
          f"{P.evidence}: '{{\"name\":0.9}}'}}]->(e)", rec_rows, "records")
    person_ids = [ids[i] for i in persons.tolist()]
    holders = rng.integers(0, len(person_ids), (len(orgs), 2))
    share_rows = [[person_ids[h[0]], ids[o], 0.6] for o, h in zip(orgs.tolist(), holders.tolist(),
                                                                     strict=True)]
    share_rows += [[person_ids[h[1]], ids[o], 0.4] for o, h in zip(orgs.tolist(),
                                                                      holders.tolist(),
                                                                      strict=True)
                   if h[1] != h[0]]
    write(driver, database,
          f"UNWIND $rows AS row MATCH (p:{L.NaturalPerson} {{{P.entity_id}: row[0]}}) "
          f"MATCH (o:{L.LegalPerson} {{{P.entity_id}: row[1]}}) "
          f"CREATE (p)-[:{R.SHAREHOLDER_OF} {{{P.share_ratio}: row[2]}}]->(o)",
          share_rows, "shareholdings")


def export_in_child(fmt: str, path: Path) -> dict:
    """Export in a fresh process (so its peak RSS is the export's alone); returns figures."""
    import json
    import subprocess

    done = subprocess.run([sys.executable, __file__, "--export-only", fmt, str(path)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_only(fmt: str, path: str) -> int:
    """The child: export, then print triples, seconds and memory (MB) as one JSON line.

    Memory is the resident set size sampled every 10 ms during the export (``peak_mb``) and
    just before it (``before_mb``, after imports and connecting).
    """
    import json

    import psutil

    proc = psutil.Process()
    driver, database = connect()
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], proc.memory_info().rss)

    with driver:
        before = proc.memory_info().rss
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        stats = export_rdf(driver, database, path, fmt, progress=False)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    print(json.dumps({"triples": stats.triples, "nodes": stats.nodes,
                      "relationships": stats.relationships, "seconds": seconds,
                      "before_mb": before / 2**20, "peak_mb": max(peak[0], before) / 2**20}))
    return 0


def measure(fmt: str, entities: int, directory: str) -> None:
    path = Path(directory) / f"graph-{entities}.{fmt}"
    r = export_in_child(fmt, path)
    size = path.stat().st_size / 2**20
    print(f"{fmt:9s} {entities:>8d} entities  {r['nodes']:>8d} nodes  "
          f"{r['relationships']:>8d} rels  {r['triples']:>9d} triples  {r['seconds']:7.1f} s  "
          f"{r['triples'] / r['seconds']:9.0f} triples/s  RSS before {r['before_mb']:6.1f} MB, "
          f"peak during export {r['peak_mb']:6.1f} MB  file {size:6.1f} MB",
          flush=True)
    path.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--export-only", nargs=2, metavar=("FORMAT", "PATH"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        return export_only(*args.export_only)
    driver, database = connect()
    with driver, tempfile.TemporaryDirectory() as directory:
        reset_database(driver, database)
        apply_schema(driver, database)
        driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
        driver.execute_query(f"UNWIND $names AS n CREATE (:{L.Department} {{{P.name}: n}})",
                             names=DEPARTMENTS, database_=database)
        quarter = args.entities // 4
        build(driver, database, 0, quarter, args.seed)
        print(f"machine: {os.cpu_count()} cores shared with other engineers' work; "
              f"page size 2000", flush=True)
        measure("ntriples", quarter, directory)
        build(driver, database, quarter, args.entities, args.seed)
        measure("ntriples", args.entities, directory)
        measure("turtle", args.entities, directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
