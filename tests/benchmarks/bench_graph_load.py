"""Benchmark: write 1M person records + 200k organisation records and their relations to the
local Neo4j with graph.store.write_graph, and compare with a plain neo4j driver loop of
single-row writes on a sample (extrapolated), in the same run.

Write paths timed on the same input, each into an empty database: ``import`` (the
first-load path: neo4j-admin database import, restart, schema online), ``cypher`` (the
batched UNWIND path every incremental load takes) and ``spark`` (entities, records and
relations written from Spark local[2] partitions by the Neo4j Connector for Apache Spark,
once per ``--spark-partitions`` count; the MERGE statements, as every Spark write).

Data: loaders.synthetic.generate(..., formats="fast") + loaders.ingest when available, with
the generator's ground truth as the clusters (the benchmark measures the graph load, not
linking); otherwise the vectorised frames of tests/graph/graphstore_frames.py.

    .venv/bin/python tests/benchmarks/bench_graph_load.py [--persons 1000000]
        [--organizations 200000] [--sample 2000] [--chunk 10000] [--rerun] [--own-frames]
        [--paths import cypher spark] [--spark-partitions 1 2]

The database of the configured Neo4j is WIPED first: point KGLINK_HOME / KGLINK_BOLT_PORT
(or NEO4J_URI) at a server meant for benchmarking. Server memory: KGLINK_NEO4J_HEAP,
KGLINK_NEO4J_PAGECACHE.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "graph"))


def synthetic_inputs(persons: int, organizations: int, workdir: Path):
    """(ingested, linked) from the loaders' generator and its truth files, or None."""
    try:
        from loaders.ingest import ingest
        from loaders.spec import load_spec
        from loaders.synthetic import generate
    except ImportError:
        return None
    from graphstore_frames import Linked, _chain_links

    # the generator sizes the world in persons/companies; records per entity vary, so
    # size it from a small probe run to land near the requested record counts
    probe = generate(workdir / "probe", persons=2000, organizations=400, formats="fast")
    truth_p = pd.read_csv(probe.parent / "truth_persons.csv")
    truth_o = pd.read_csv(probe.parent / "truth_organizations.csv")
    world_p = max(1, int(persons * 2000 / len(truth_p)))
    world_o = max(1, int(organizations * 400 / len(truth_o)))
    spec_path = generate(workdir / "data", persons=world_p, organizations=world_o,
                         formats="fast")
    ingested = ingest(load_spec(spec_path), progress=True)
    frames = []
    for name, kind, prefix in (("truth_persons.csv", "person", "P"),
                               ("truth_organizations.csv", "organization", "O")):
        truth = pd.read_csv(spec_path.parent / name, dtype=str)
        frames.append(pd.DataFrame({"department": truth["department"],
                                    "record_id": truth["record_id"],
                                    "entity_id": prefix + truth["true_id"],
                                    "entity_type": kind}))
    clusters = pd.concat(frames, ignore_index=True)
    keep = set(zip(ingested.persons["department"], ingested.persons["record_id"], strict=True))
    keep |= set(zip(ingested.organizations["department"], ingested.organizations["record_id"],
                    strict=True))
    clusters = clusters[[k in keep for k in zip(clusters["department"], clusters["record_id"],
                                                strict=True)]]
    return ingested, Linked(clusters, _chain_links(clusters))


def single_row_baseline(driver, database, plan, sample: int) -> tuple[int, float]:
    """A plain driver loop: one auto-committed MERGE statement per record (SourceRecord,
    its entity, REFERS_TO, FROM_DEPARTMENT). Returns (graph elements, seconds)."""
    from graph.store.fields import entity_label
    from ontology.schema import labels, props, rels

    records = plan.records["person"].head(sample)
    k = props
    query = (f"MERGE (d:{labels.Department} {{{k.name}: $dep}}) "
             f"MERGE (e:{entity_label('person')} {{{k.entity_id}: $eid}}) "
             f"MERGE (r:{labels.SourceRecord} {{{k.record_key}: $key}}) "
             f"SET r.{k.name} = $name, r.{k.id_number} = $idn, r.{k.phone} = $phone "
             f"MERGE (r)-[:{rels.FROM_DEPARTMENT}]->(d) MERGE (r)-[:{rels.REFERS_TO}]->(e)")
    started = time.monotonic()
    created = 0
    with driver.session(database=database) as session:
        for row in records.itertuples(index=False):
            summary = session.run(query, dep=row.department, eid=row.entity_id,
                                  key="bench:" + row.record_key, name=row.name,
                                  idn=getattr(row, "id_number", None),
                                  phone=getattr(row, "phone", None)).consume()
            created += summary.counters.nodes_created + summary.counters.relationships_created
    return created, time.monotonic() - started


def server_cpu_seconds() -> float | None:
    """CPU seconds used so far by kglink's local Neo4j process (None for a remote server)."""
    if os.environ.get("NEO4J_URI"):
        return None
    import psutil

    from graph.local_server import LocalNeo4j

    pid = LocalNeo4j.from_env().pid()
    if pid is None:
        return None
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--paths", nargs="+", choices=("import", "cypher", "spark"),
                        default=["import", "cypher"],
                        help="write paths to time (default import and cypher)")
    parser.add_argument("--spark-partitions", type=int, nargs="+", default=[1, 2],
                        help="partitions writing concurrently on the spark path")
    parser.add_argument("--rerun", action="store_true",
                        help="also time a second, idempotent run of the same load")
    parser.add_argument("--own-frames", action="store_true",
                        help="use the store's own vectorised frames, not the loaders' generator")
    args = parser.parse_args()

    from graph.connection import connect
    from graph.store import write_graph
    from graph.store.plan import plan_graph

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kglink-bench-") as tmp:
        inputs = None if args.own_frames else synthetic_inputs(args.persons, args.organizations,
                                                                Path(tmp))
        source = "loaders.synthetic.generate(formats='fast') + loaders.ingest, truth clusters"
        if inputs is None:
            from graphstore_frames import generated

            inputs = generated(args.persons, args.organizations)
            source = "tests/graph/graphstore_frames.generated (vectorised)"
        ingested, linked = inputs
    prepared = time.monotonic() - started
    print(f"input: {source}: {len(ingested.persons)} person records, "
          f"{len(ingested.organizations)} organisation records, "
          f"{len(getattr(ingested, 'relations', []))} relation records ({prepared:.1f}s)")

    driver, database = connect()
    with driver:
        runs = [(path, p) for path in args.paths
                for p in (args.spark_partitions if path == "spark" else [None])]
        timed = {(f"{path} x{p}" if p else path):
                 timed_load(driver, database, ingested, linked, path, args.chunk, p)
                 for path, p in runs}
        plan = plan_graph(ingested, linked)
        created, seconds = single_row_baseline(driver, database, plan, args.sample)
        rate = created / seconds
        print(f"single-row driver loop on {args.sample} records: {created} elements in "
              f"{seconds:.1f}s = {rate:,.0f} elements/s")
        for path, (elements, total) in timed.items():
            print(f"  {path}: {elements / total:,.0f} elements/s = x{elements / total / rate:.1f} "
                  f"the single-row loop ({elements / rate / 60:.1f} min extrapolated vs "
                  f"{total / 60:.1f} min)")
        if args.rerun:
            t1 = time.monotonic()
            again = write_graph(driver, database, ingested, linked, progress=False,
                                chunk_size=args.chunk)
            print(f"second run (idempotent): +{again.nodes_created} nodes, "
                  f"+{again.relationships_created} relationships in "
                  f"{time.monotonic() - t1:.1f}s")


def timed_load(driver, database, ingested, linked, path: str, chunk: int,
               partitions: int | None = None) -> tuple[int, float]:
    """One load into an emptied database through ``path``; prints its figures and returns
    (graph elements written, seconds)."""
    from graph.admin import reset_database
    from graph.store import write_graph

    reset_database(driver, database)
    spark = None
    if path == "spark":
        from graph.store.spark_writer import PARTITIONS_CONF
        from linking.spark.session import spark_session

        spark = spark_session("local[2]")
        spark.conf.set(PARTITIONS_CONF, str(partitions))
        path = f"spark x{partitions}"
    t0, cpu0 = time.monotonic(), server_cpu_seconds()
    summary = write_graph(driver, database, ingested, linked, progress=True, chunk_size=chunk,
                          bulk="always" if path == "import" else "never", spark=spark)
    total = time.monotonic() - t0
    cpu1 = server_cpu_seconds()
    nodes, relationships = summary.nodes_created, summary.relationships_created
    if spark is not None:  # the connector counts nothing: count the graph (empty before)
        nodes = driver.execute_query("MATCH (n) RETURN count(n)", database_=database
                                     ).records[0][0] - 1  # less the LoadBatch node
        relationships = driver.execute_query("MATCH ()-[x]->() RETURN count(x)",
                                             database_=database).records[0][0]
    print(f"[{path}] write_graph: {nodes} nodes, {relationships} relationships in {total:.1f}s "
          f"(planning included; {summary.unresolved_relations or 'no'} unresolved)")
    print(f"  nodes/s {nodes / total:,.0f}   relationships/s {relationships / total:,.0f}   "
          f"graph elements/s {(nodes + relationships) / total:,.0f}")
    plan = summary.step_seconds.get("plan", 0.0)
    print(f"  planning {plan:.1f}s; the graph write alone {total - plan:.1f}s = "
          f"{(nodes + relationships) / (total - plan):,.0f} graph elements/s")
    if path != "import" and cpu0 is not None and cpu1 is not None:
        print(f"  Neo4j server CPU time {cpu1 - cpu0:.1f}s for {total:.1f}s wall "
              f"({(nodes + relationships) / (cpu1 - cpu0):,.0f} elements per server "
              f"CPU-second)")
    print(f"  machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared)")
    print("  steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in
                                      summary.step_seconds.items() if v >= 0.5))
    for kind, rows in summary.records.items():
        seconds = summary.step_seconds.get(f"records:{kind}")
        if seconds:  # the import path writes every kind in one step
            print(f"  records:{kind}: {rows:,} records in {seconds:.1f}s = "
                  f"{rows / seconds:,.0f} records/s")
    return nodes + relationships, total


if __name__ == "__main__":
    main()
