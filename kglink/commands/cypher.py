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
    parser.add_argument("--limit", metavar="N",
                        help="maximum rows, a positive whole number (default 10000); the rows "
                             "left out are counted in a warning on stderr")
    parser.add_argument("--all", action="store_true", help="every row, no limit")
    parser.add_argument("--mask-pii", action="store_true",
                        help="mask personal data (ID numbers, phones, e-mails, addresses, birth "
                             "dates) in every returned value")


def row_limit(args: argparse.Namespace) -> int | None:
    """The validated ``--limit`` (None with ``--all``); a bad value is a one-line error."""
    from queries.runner import DEFAULT_ROW_LIMIT

    if args.all:
        if args.limit is not None:
            raise ValueError("--limit and --all: give one of them")
        return None
    if args.limit is None:
        return DEFAULT_ROW_LIMIT
    text = args.limit.strip()
    if not text.isdecimal() or int(text) < 1:
        raise ValueError(f"--limit {args.limit!r}: give a positive whole number of rows, or "
                         "--all for every row")
    return int(text)


def print_result(args: argparse.Namespace, cypher: str, params: dict) -> int:
    """Print the rows; rows past the limit are a loud warning with their count (the rows
    shown are right, so the exit stays 0 for interactive use; `kglink export` fails instead,
    since a file is read later without its warnings)."""
    from graph.connection import connect
    from queries.formatting import render
    from queries.runner import run_read

    limit = row_limit(args)
    driver, database = connect()
    with driver:
        result = run_read(driver, database, cypher, params, timeout=args.timeout, limit=limit)
    print(render(result.columns, result.rows, args.format, mask=args.mask_pii))
    if result.truncated:
        print(f"kglink: warning: output truncated at --limit {limit}: {result.left_out} more "
              f"row{'s' if result.left_out != 1 else ''} left out (raise --limit or use --all)",
              file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    from queries.runner import parse_params

    return print_result(args, args.query, parse_params(args.param))
