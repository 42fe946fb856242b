"""``kglink demo``: the main job end to end on generated Hunan-style department data.

Generates seeded sample sources for six departments, then takes them through the same path
as ``kglink run`` (ingest, link against the graph, store in Neo4j), writes the ingest and
linking outputs beside them, and prints a summary, the linking accuracy against the
generator's ground truth and the answers of a few investigator queries from the library.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

# (title, query name, parameters): investigator questions the demo answers
SHOWCASE = (
    ("persons and companies seen in at least 4 departments", "cross-department",
     {"min_departments": 4}),
    ("persons holding roles in at least 2 companies", "multi-role-persons",
     {"min_companies": 2}),
    ("entities sharing phones, addresses or legal representatives", "shared-contacts",
     {"min_entities": 3}),
    ("rings of cross-holdings", "circular-ownership", {"max_length": 6}),
)
TRUTH_FILES = (("person", "truth_persons.csv"), ("organization", "truth_organizations.csv"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("demo-out"),
                        help="working directory for the sample sources and outputs "
                             "(default demo-out)")
    parser.add_argument("--persons", type=int, default=2000,
                        help="distinct persons (default 2000)")
    parser.add_argument("--organizations", type=int, default=400,
                        help="distinct organisations (default 400)")
    parser.add_argument("--seed", type=int, default=7)


def _step(message: str) -> None:
    print(f"kglink demo: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from kglink import api
    from loaders.synthetic import generate

    started = time.perf_counter()
    _step(f"generating sample department data in {args.out / 'sources'}")
    spec_path = generate(args.out / "sources", persons=args.persons,
                         organizations=args.organizations, seed=args.seed)
    _step("ingesting, linking and storing in Neo4j (as `kglink run`)")
    driver, database = api.connect()
    with driver:
        result = api.run(spec_path, driver=driver, database=database, progress=True)
        result.ingested.write(args.out / "ingest")
        result.linked.write(args.out / "link")
        _print_summary(spec_path, result)
        for title, name, params in SHOWCASE:
            print(f"\n-- {title} (kglink query run {name}"
                  + "".join(f" -p {k}={v}" for k, v in params.items()) + ")")
            print(_query_table(driver, database, name, params, limit=8))
    print(f"\ndemo finished in {time.perf_counter() - started:.1f} s; outputs in {args.out}")
    return 0


def _print_summary(spec_path: Path, result) -> None:
    print("== kglink demo ==")
    print(f"sources: {spec_path}")
    for src in result.ingested.report["sources"]:
        print(f"  {src['department']} {src['source']} ({src['entity']}, {src['format']}): "
              f"read {src['read']}, loaded {src['loaded']}, quarantined {src['quarantined']}")
    clusters = result.linked.clusters
    for kind in ("person", "organization"):
        rows = clusters[clusters["entity_type"] == kind]
        print(f"{kind} records {len(rows)} -> entities {rows['entity_id'].nunique()}")
    for kind, (precision, recall, f1) in _accuracy(clusters, spec_path.parent).items():
        print(f"{kind} linking vs ground truth: precision {precision:.4f}, "
              f"recall {recall:.4f}, F1 {f1:.4f}")
    for line in result.summary.lines():
        print(line)


def _accuracy(clusters, truth_dir: Path) -> dict[str, tuple[float, float, float]]:
    """Pairwise precision, recall and F1 per entity kind against the generator's truth."""
    import pandas as pd

    from linking.evaluation import pairwise_scores

    scores = {}
    for kind, file in TRUTH_FILES:
        path = truth_dir / file
        if path.exists():
            truth = pd.read_csv(path, dtype=str)
            scores[kind] = pairwise_scores(clusters[clusters["entity_type"] == kind], truth)
    return scores


def _query_table(driver, database: str, name: str, params: dict[str, Any],
                 limit: int) -> str:
    from queries.formatting import render
    from queries.library import run_query

    result = run_query(driver, database, name, params, limit=limit)
    return render(result.columns, result.rows, "table")
