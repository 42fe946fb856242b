"""``kglink mine communities|centrality|risk|regions``: mining written back to Neo4j, then a
printed report."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("analysis", choices=["communities", "centrality", "risk", "regions"])
    parser.add_argument("--top", type=int, default=20, help="rows in the report (default 20)")
    parser.add_argument("--no-write", action="store_true",
                        help="report only; leave the graph unchanged")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")


def run(args: argparse.Namespace) -> int:
    from graph import mining
    from graph.connection import connect
    from queries.formatting import render

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
            report = mining.regions(driver, database, write=write)
    rows = report.rows[:args.top] if args.analysis != "regions" else report.rows
    if args.format == "json":
        payload = {"analysis": report.kind, "summary": report.summary, "written": report.written,
                   "rows": [dict(zip(report.columns, r, strict=True)) for r in rows]}
        if args.analysis == "regions" and "industry" in report.details:
            payload["industry"] = report.details["industry"].to_dict("records")
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return 0
    if args.format == "table":
        print(f"== {report.kind}: " + ", ".join(f"{k} {v}" for k, v in report.summary.items())
              + (f"; wrote {report.written} nodes" if write else "; nothing written"))
    print(render(report.columns, rows, args.format))
    if args.analysis == "regions" and args.format == "table" and "industry" in report.details:
        industry = report.details["industry"]
        print("\n== companies by division and industry")
        print(render(list(industry.columns), industry.values.tolist(), "table"))
    return 0
