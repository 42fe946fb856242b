"""``kglink ontology show|load|check|validate|export|import``: the ontology and RDF.

``show`` prints the classes (as a tree, with their Neo4j labels and aligned vocabularies) and
the properties; it needs no database. ``load`` writes the class hierarchy into Neo4j;
``check`` runs the reasoner-free declared-terms checks and the SHACL shapes on the graph;
``validate`` runs the shapes on an RDF file; ``export`` and ``import`` move the graph (or a
subgraph) to and from Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    show = sub.add_parser("show", help="print classes and properties (the default)")
    show.add_argument("--format", choices=["text", "json"], default="text")
    show.add_argument("--lang", choices=["en", "zh"], default="zh",
                      help="language of the labels beside the names (default zh)")
    sub.add_parser("load", help="load the classes and their hierarchy into Neo4j")
    check = sub.add_parser("check", help="check the ontology, the graph's names and shapes")
    check.add_argument("--no-shacl", action="store_true", help="skip the SHACL validation")
    check.add_argument("--lang", choices=["en", "zh"], default="en")
    validate = sub.add_parser("validate", help="check an RDF file against the SHACL shapes")
    validate.add_argument("file")
    validate.add_argument("--format", help="turtle | ntriples | jsonld (default: suffix)")
    validate.add_argument("--lang", choices=["en", "zh"], default="en")
    export = sub.add_parser("export", help="export the graph (or a subgraph) as RDF")
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.add_argument("--format", help="turtle | ntriples | jsonld | turtle-star | "
                        "ntriples-star (default: suffix; .ttls and .nts are the star forms)")
    export.add_argument("--rdf-star", action="store_true",
                        help="relationship properties as RDF-star annotations on the direct "
                             "triple (what Neo4j n10s reads as relationship properties) "
                             "instead of rdf:Statement reification; the default of "
                             "turtle-star and ntriples-star")
    export.add_argument("--entity", action="append", default=None, metavar="ID",
                        help="export the subgraph around this entity (repeatable)")
    export.add_argument("--hops", type=int, default=1, help="hops around --entity (default 1)")
    export.add_argument("--mask-pii", action="store_true",
                        help="mask personal data; masked values go under the masked properties "
                             "(kg:idNumberMasked, ...) so the file still passes validate")
    imp = sub.add_parser("import", help="import RDF written by export into Neo4j")
    imp.add_argument("file")
    imp.add_argument("--format", help="turtle | ntriples | jsonld (default: suffix)")
    parser.set_defaults(action="show", format="text", lang="zh")


def run(args: argparse.Namespace) -> int:
    action = args.action or "show"
    return {"show": _show, "load": _load, "check": _check, "validate": _validate,
            "export": _export, "import": _import}[action](args)


def _show(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from ontology.catalogue import classes, properties

    if args.format == "json":
        print(json.dumps({"classes": [asdict(c) for c in classes()],
                          "properties": [asdict(p) for p in properties()]},
                         ensure_ascii=False, indent=2))
        return 0
    print(_class_tree(args.lang))
    print()
    print(_property_tables(args.lang))
    return 0


def _class_tree(lang: str) -> str:
    from ontology.catalogue import classes, curie

    own = [c for c in classes() if not c.external]
    by_iri = {c.iri: c for c in own}
    children: dict[str | None, list] = {}
    for c in own:
        parents = [p for p in c.parents if p in by_iri] or [None]
        for p in parents:
            children.setdefault(p, []).append(c)
    lines = [f"Classes ({len(own)}; [Neo4j label], aligned superclasses after '<')"]

    def walk(parent: str | None, depth: int) -> None:
        for c in sorted(children.get(parent, []), key=lambda c: c.name):
            label = c.label_zh if lang == "zh" else c.label_en
            neo = f" [{c.neo4j_label}]" if c.neo4j_label else ""
            aligned = [curie(p) for p in c.parents if p not in by_iri]
            lines.append("  " * (depth + 1) + f"{c.name}{neo} {label or ''}"
                         + (f"  < {', '.join(aligned)}" if aligned else ""))
            walk(c.iri, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def _property_tables(lang: str) -> str:
    from ontology.catalogue import properties
    from queries.formatting import render

    def label(p) -> str:
        return (p.label_zh if lang == "zh" else p.label_en) or ""

    objs = [[p.name, p.neo4j or "", ", ".join(p.domain), ", ".join(p.range), label(p),
             ", ".join(p.aligned)] for p in properties() if p.kind == "object"]
    data = [[p.name, p.neo4j or "", ", ".join(p.domain), ", ".join(p.range), label(p),
             ", ".join(p.aligned)] for p in properties() if p.kind == "datatype"]
    return ("Object properties (relationship types)\n"
            + render(["property", "type", "domain", "range", "label", "aligned"], objs, "table")
            + "\n\nDatatype properties (property keys)\n"
            + render(["property", "key", "domain", "range", "label", "aligned"], data, "table"))


def _load(args: argparse.Namespace) -> int:
    from graph.connection import connect
    from graph.ontology_store import labels_under, load_ontology

    driver, database = connect()
    with driver:
        count = load_ontology(driver, database)
        parties = labels_under(driver, database, "Party")
    print(f"loaded {count} ontology classes; kinds of Party: {', '.join(parties)}")
    return 0


def _report(title: str, problems: list[str]) -> int:
    print(f"{title}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    for problem in problems:
        print(f"  {problem}")
    return len(problems)


def _report_rdf(data, lang: str) -> int:
    """Report undeclared terms and SHACL violations in RDF ``data``; the number of problems."""
    from ontology.declared import undeclared_in_rdf
    from ontology.validation import validate

    return (_report("RDF terms", undeclared_in_rdf(data))
            + _report("SHACL shapes", validate(data, lang=lang).messages))


def _check(args: argparse.Namespace) -> int:
    import io

    from rdflib import Graph

    from graph.connection import connect
    from graph.ontology_store import undeclared_in_database
    from graph.rdf_io import export_rdf
    from ontology.declared import ontology_problems

    failures = _report("ontology", ontology_problems())
    driver, database = connect()
    with driver:
        failures += _report("graph names", undeclared_in_database(driver, database))
        if not args.no_shacl:
            buf = io.StringIO()
            export_rdf(driver, database, buf, "ntriples")
            data = Graph().parse(data=buf.getvalue(), format="nt")
            failures += _report_rdf(data, args.lang)
    if failures:
        print(f"kglink: ontology check found {failures} problem(s)", file=sys.stderr)
        return 1
    return 0


def _validate(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from ontology.rdf_writer import normalise_format, rdflib_format

    name = normalise_format(args.format, args.file)
    parser = rdflib_format(name, args.file)
    data = Graph()
    try:
        data.parse(args.file, format=parser)
    except FileNotFoundError:
        raise ValueError(f"{args.file}: no such file") from None
    except Exception as exc:
        raise ValueError(f"{args.file}: not valid {name}: {' '.join(str(exc).split())}") from None
    failures = _report_rdf(data, args.lang)
    if failures:
        print(f"kglink: {args.file}: {failures} problem(s)", file=sys.stderr)
        return 1
    return 0


def _export(args: argparse.Namespace) -> int:
    from graph.connection import connect
    from graph.rdf_io import export_rdf

    driver, database = connect()
    with driver:
        stats = export_rdf(driver, database, args.output, args.format, entity_ids=args.entity,
                           hops=args.hops, mask=args.mask_pii, rdf_star=args.rdf_star)
    print(f"wrote {stats.triples} triples ({stats.nodes} nodes, {stats.relationships} "
          f"relationships) as {stats.format} to {args.output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from graph.connection import connect
    from graph.rdf_io import import_rdf

    if not Path(args.file).is_file():
        raise ValueError(f"{args.file}: no such file")
    driver, database = connect()
    with driver:
        stats = import_rdf(driver, database, args.file, args.format)
    print(f"imported {stats.nodes} nodes and {stats.relationships} relationships from "
          f"{args.file}" + (f"; {stats.ignored_triples} triples mapped to nothing"
                            if stats.ignored_triples else ""))
    return 0
