"""``kglink query list`` / ``kglink query run NAME [-p k=v] [--format ...]``: the query library.

``kglink query show NAME`` prints a query's header and the Cypher it runs.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kglink.commands.cypher import add_output_arguments

    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="the library's queries and their parameters")
    listing.add_argument("--format", choices=["table", "json", "csv"], default="table")
    listing.add_argument("--lang", choices=["en", "zh"], default="en",
                         help="language of the descriptions")
    show = actions.add_parser("show", help="a query's metadata and its Cypher")
    show.add_argument("name")
    run_ = actions.add_parser("run", help="run a library query read-only")
    run_.add_argument("name")
    add_output_arguments(run_)


def run(args: argparse.Namespace) -> int:
    from queries.library import get_query, library

    if args.action == "list":
        from queries.formatting import render

        rows = [[q.name, ", ".join(p.describe() for p in q.params), ", ".join(q.returns),
                 q.description_zh if args.lang == "zh" else q.description_en]
                for q in library().values()]
        print(render(["name", "parameters", "returns", "description"], rows, args.format))
        return 0
    query = get_query(args.name)
    if args.action == "show":
        print(f"{query.name}\n  {query.description_en}\n  {query.description_zh}")
        for p in query.params:
            print(f"  param {p.describe()}  {p.help}")
        print(f"  returns {', '.join(query.returns)}\n")
        print(query.template)
        return 0
    from kglink.commands.cypher import print_result
    from queries.runner import parse_params

    cypher, params = query.bind(parse_params(args.param))
    return print_result(args, cypher, params)
