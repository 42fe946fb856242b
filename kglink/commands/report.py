"""``kglink report regions -o FILE [--level L] [--by M] [--top N]``: the sections of ``kglink
mine regions`` (read only; nothing is written to the graph) as an offline HTML page with a
chart above each table, and each chart as a PNG in ``<stem>_files/`` beside the page."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=["regions"])
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the HTML page to write (charts also go to FILE's stem + _files/)")
    parser.add_argument("--level", default=None,
                        help="province | prefecture | county (default prefecture)")
    parser.add_argument("--by", default="persons",
                        help="rank by persons | companies | reg_capital | cross_links "
                        "(default persons)")
    parser.add_argument("--top", type=int, default=20, help="divisions ranked (default 20)")
    parser.add_argument("--mask-pii", action="store_true",
                        help="accepted and changes nothing: the report shows only aggregates "
                        "(counts and sums per division, industry and department), no personal "
                        "data")


def progress(message: str) -> None:
    """One progress line on stderr."""
    print(f"kglink report: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from graph import mining
    from graph.connection import connect
    from graph.export.picture import cjk_font
    from graph.region_report import write_region_report
    from graph.regions import check_ranking
    from kglink.commands.mine import headline
    from kglink.commands.mine_regions import regions_sections
    from ontology.schema import division_levels

    if args.top < 1:
        raise ValueError(f"--top must be at least 1, not {args.top}")
    if not args.output.lower().endswith((".html", ".htm")):
        raise ValueError(f"-o {args.output}: the report is an HTML page; name it *.html")
    check_ranking(args.level or division_levels.prefecture, args.by)
    progress("reading divisions, entities and links from Neo4j")
    driver, database = connect()
    with driver:
        report = mining.regions(driver, database, write=False, level=args.level, by=args.by,
                                top=args.top)
    if not report.details:
        raise ValueError("the graph has no AdministrativeDivision nodes: run `kglink run` "
                         "(or `kglink demo`) first")
    if cjk_font() is None:
        progress("no CJK font installed (apt-get install fonts-wqy-microhei): Chinese names "
                 "in the charts draw as boxes; the tables are unaffected")
    summary = headline(report, write=False).removeprefix("== ")
    written = write_region_report(regions_sections(report), summary,
                                  report.summary["ranked by"], args.output, progress)
    print(f"wrote {written[0]} and {len(written) - 1} charts in {written[1].parent}")
    return 0
