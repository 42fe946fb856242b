"""``kglink ingest SOURCES.yaml --out DIR``: load and standardise every source."""

from __future__ import annotations

import argparse
from pathlib import Path

from kglink.commands.link import add_engine_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", metavar="SOURCES.yaml", help="the source spec")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output directory (persons/organizations/relations.parquet, "
                             "quarantine.csv, report.json)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_engine_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from kglink import api

    result = api.ingest(args.sources, progress=not args.quiet, engine=args.engine,
                        master=args.master)
    out = Path(args.out)
    result.write(out)
    for rep in result.report["sources"]:
        flags = sum(rep["flags"].values())
        print(f"{rep['department']:<10} {rep['entity']:<12} {rep['source']:<28} "
              f"read {rep['read']:>8}  loaded {rep['loaded']:>8}  "
              f"quarantined {rep['quarantined']:>6}  flags {flags:>6}")
    t = result.report["totals"]
    print(f"total: read {t['read']}, loaded {t['loaded']}, quarantined {t['quarantined']} "
          f"-> {out}")
    return 0
