"""``kglink cypher "QUERY" [-p k=v] [--format table|json|csv]``: read-only Cypher."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="the Cypher statement (read-only)")
    add_output_arguments(parser)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """The parameter, format, timeout and limit options shared with `kglink query run`."""
    parser.add_argument("-p", "--param", action="append", default=[], metavar="K=V",
                        help="a query parameter; JSON values are typed (-p n=3 -p ids='[1,2]')")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--limit", type=int, default=10_000, help="maximum rows (default 10000)")


def print_result(args: argparse.Namespace, cypher: str, params: dict) -> int:
    from graph.connection import connect
    from queries.formatting import render
    from queries.runner import run_read

    driver, database = connect()
    with driver:
        result = run_read(driver, database, cypher, params, timeout=args.timeout,
                          limit=args.limit)
    print(render(result.columns, result.rows, args.format))
    if result.truncated:
        print(f"kglink: output stopped at --limit {args.limit} rows", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    from queries.runner import parse_params

    return print_result(args, args.query, parse_params(args.param))
