"""``kglink run SOURCES.yaml [--refit]``: ingest + link + store in Neo4j (idempotent,
resumable). The linking model applied is kept with the load; later runs apply it."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", help="the SOURCES.yaml describing the department sources")
    parser.add_argument("--json", action="store_true", help="print the load summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bars on stderr")
    parser.add_argument("--bulk-import", choices=("auto", "always", "never"), default="auto",
                        help="first load of an empty local graph through neo4j-admin import "
                             "(auto: when it holds at least 200k records; default auto)")
    parser.add_argument("--refit", action="store_true",
                        help="fit a new linking model instead of applying the one the graph "
                             "keeps from the latest load")


def run(args: argparse.Namespace) -> int:
    from graph.connection import connect
    from graph.store.pipeline import run_sources
    from loaders.spec import load_spec

    load_spec(args.sources)  # a bad spec fails before any database is started
    driver, database = connect()
    with driver:
        summary, ingested = run_sources(args.sources, driver, database,
                                        progress=not args.quiet, bulk=args.bulk_import,
                                        refit=args.refit)
    quarantine = getattr(ingested, "quarantine", None)
    quarantined = 0 if quarantine is None else len(quarantine)
    if args.json:
        print(json.dumps(summary.as_dict() | {"quarantined": quarantined},
                         ensure_ascii=False, indent=2))
    else:
        for line in summary.lines():
            print(line)
        if quarantined:
            print(f"quarantined input rows: {quarantined} (see `kglink ingest --out DIR`)")
    return 0
