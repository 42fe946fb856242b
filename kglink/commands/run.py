"""``kglink run SOURCES.yaml [--refit]``: ingest + link + store in Neo4j (idempotent,
resumable). The linking model applied is kept with the load; later runs apply it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kglink.commands.link import add_engine_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", help="the SOURCES.yaml describing the department sources")
    parser.add_argument("--json", action="store_true", help="print the load summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bars on stderr")
    parser.add_argument("--bulk-import", choices=("auto", "always", "never"), default="auto",
                        help="first load of an empty local graph through neo4j-admin import "
                             "(auto: when it holds at least 200k records; default auto)")
    parser.add_argument("--judgments", type=Path,
                        help="judgments file (default $KGLINK_JUDGMENTS or "
                             "$KGLINK_HOME/judgments.jsonl)")
    parser.add_argument("--refit", action="store_true",
                        help="fit a new linking model instead of applying the one the graph "
                             "keeps from the latest load")
    add_engine_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from kglink import api
    from linking.judgments import JudgmentStore

    result = api.run(args.sources, judgments=JudgmentStore(args.judgments), refit=args.refit,
                     bulk=args.bulk_import, progress=not args.quiet, engine=args.engine,
                     master=args.master)
    quarantined = len(result.ingested.quarantine)
    if args.json:
        print(json.dumps(result.summary.as_dict() | {"quarantined": quarantined,
                                                     "refitted": result.refitted},
                         ensure_ascii=False, indent=2))
    else:
        for line in result.summary.lines():
            print(line)
        if result.refitted:
            print(f"linking model fitted anew for: {', '.join(result.refitted)}")
        if quarantined:
            print(f"quarantined input rows: {quarantined} (see `kglink ingest --out DIR`)")
    return 0
