"""``kglink export (--entity ID [--hops N] | --query NAME [-p k=v] | --cypher Q) --format F
[--rdf-star] [--mask-pii] -o PATH``: a subgraph to a file (csv: PATH is a directory)."""

from __future__ import annotations

import argparse
import sys

from graph.export.registry import FORMATS, formats_help, star_export_format


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--entity", metavar="ID", help="centre the subgraph on this entity id")
    source.add_argument("--query", metavar="NAME",
                        help="a library query: its returned entities (and the relationships "
                             "among them) form the subgraph")
    source.add_argument("--cypher", metavar="QUERY",
                        help="read-only Cypher returning nodes, relationships or paths")
    parser.add_argument("--hops", type=int, default=1, help="with --entity (default 1, max 6)")
    parser.add_argument("--types", default="",
                        help="relationship types to follow, comma-separated (default: the "
                             "party relations)")
    parser.add_argument("--no-context", action="store_true",
                        help="leave out source records, departments and divisions")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="K=V",
                        help="a query parameter for --query / --cypher")
    parser.add_argument("--format", required=True, choices=list(FORMATS), help=formats_help())
    parser.add_argument("--rdf-star", action="store_true",
                        help="with --format turtle or ntriples: relationship properties as "
                             "RDF-star annotations (Turtle-star, N-Triples-star: what Neo4j "
                             "n10s reads as relationship properties) instead of rdf:Statement "
                             "reification; the default of turtle-star and ntriples-star")
    parser.add_argument("--mask-pii", action="store_true",
                        help="mask personal data (the ontology's kgm:pii properties, and "
                             "anything that looks like an ID number, mobile or e-mail)")
    directories = ", ".join(f.name for f in FORMATS.values() if f.directory)
    parser.add_argument("-o", "--output", required=True, metavar="PATH",
                        help=f"the file to write (a directory for {directories})")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds (default 120)")
    parser.add_argument("--all", action="store_true",
                        help="with --query / --cypher: export every row (default: refuse a "
                             "result over 10000 rows rather than write part of it)")


def run(args: argparse.Namespace) -> int:
    from graph.connection import connect
    from graph.export import export_graph

    fmt = star_export_format(args.format).name if args.rdf_star else args.format
    types = [t.strip() for t in args.types.split(",") if t.strip()] or None
    driver, database = connect()
    with driver:
        if args.entity is not None:
            from graph.nx_bridge import subgraph_by_entity

            graph = subgraph_by_entity(driver, database, args.entity, hops=args.hops,
                                       types=types, context=not args.no_context,
                                       timeout=args.timeout)
            title = f"{args.entity} ({args.hops} hop{'s' if args.hops != 1 else ''})"
        else:
            graph, title = _from_query(args, driver, database, types)
    written = export_graph(graph, fmt, args.output, mask=args.mask_pii, title=title)
    print(f"wrote {graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships "
          f"as {fmt} to {', '.join(map(str, written))}")
    if graph.number_of_nodes() == 0:
        print("kglink: the subgraph is empty", file=sys.stderr)
    return 0


def _all_rows(args: argparse.Namespace, driver, database: str, cypher: str, params: dict):
    """Every row of the query up to the cap (all with ``--all``; the driver fetches them in
    batches within one read transaction). Over the cap nothing is written: a partial export
    would be read later as the whole."""
    from queries.runner import DEFAULT_ROW_LIMIT, run_read

    limit = None if args.all else DEFAULT_ROW_LIMIT
    result = run_read(driver, database, cypher, params, timeout=args.timeout, limit=limit)
    if result.truncated:
        total = len(result.rows) + result.left_out
        raise ValueError(f"the query returned {total} rows, over the export cap of {limit}: "
                         f"{result.left_out} rows would be left out, so nothing was written "
                         "(use --all to export every row)")
    return result


def _from_query(args: argparse.Namespace, driver, database: str, types):
    from graph.nx_bridge import subgraph_from_values, subgraph_of_entities
    from queries.runner import parse_params

    params = parse_params(args.param)
    if args.cypher is not None:
        result = _all_rows(args, driver, database, args.cypher, params)
        return subgraph_from_values(driver, database, result.rows, args.timeout), "cypher"
    from queries.library import get_query

    query = get_query(args.query)
    cypher, values = query.bind(params)
    result = _all_rows(args, driver, database, cypher, values)
    graph = subgraph_from_values(driver, database, result.rows, args.timeout)
    ids: list[str] = [values[k] for k in ("entity_id", "source_id", "target_id") if k in values]
    for column in query.entities:
        if column in result.columns:
            i = result.columns.index(column)
            for row in result.rows:
                value = row[i]
                ids.extend(value if isinstance(value, list) else [value])
    if ids:
        found = subgraph_of_entities(driver, database, ids, types=types,
                                     context=not args.no_context, timeout=args.timeout)
        graph.update(found)
    label = " ".join(f"{k}={v}" for k, v in params.items())
    return graph, f"{query.name} {label}".strip()
