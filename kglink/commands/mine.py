"""``kglink mine communities|centrality|risk|regions``: mining written back to Neo4j, then a
printed report."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("analysis", choices=["communities", "centrality", "risk", "regions"])
    parser.add_argument("--top", type=int, default=20, help="rows in the report (default 20)")
    parser.add_argument("--level", default=None,
                        help="regions: province | prefecture | county (default prefecture)")
    parser.add_argument("--by", default="persons",
                        help="regions: rank by persons | companies | reg_capital | cross_links "
                        "(default persons)")
    parser.add_argument("--no-write", action="store_true",
                        help="report only; leave the graph unchanged")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")


def run(args: argparse.Namespace) -> int:
    from graph import mining
    from graph.connection import connect

    if args.top < 1:
        raise ValueError(f"--top must be at least 1, not {args.top}")
    write = not args.no_write
    driver, database = connect()
    with driver:
        if args.analysis == "communities":
            report = mining.communities(driver, database, write=write, top=args.top)
        elif args.analysis == "centrality":
            report = mining.centrality(driver, database, write=write, top=args.top)
        elif args.analysis == "risk":
            report = mining.risk(driver, database, write=write, top=args.top)
        else:
            report = mining.regions(driver, database, write=write, level=args.level,
                                    by=args.by, top=args.top)
    if args.analysis == "regions" and report.details:
        from kglink.commands.mine_regions import print_regions

        print_regions(report, args.format, write)
        return 0
    print_report(report, report.rows[:args.top], args.format, write)
    return 0


def print_report(report, rows: list, fmt: str, write: bool) -> None:
    """The summary line (table format) and the report's rows."""
    from queries.formatting import render

    if fmt == "json":
        print(json.dumps({"analysis": report.kind, "summary": report.summary,
                          "written": report.written,
                          "rows": [dict(zip(report.columns, r, strict=True)) for r in rows]},
                         ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "table":
        print(headline(report, write))
    print(render(report.columns, rows, fmt))


def headline(report, write: bool) -> str:
    """``== kind: key value, ...; wrote N nodes``."""
    return (f"== {report.kind}: " + ", ".join(f"{k} {v}" for k, v in report.summary.items())
            + (f"; wrote {report.written} nodes" if write else "; nothing written"))
