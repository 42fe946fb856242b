"""``kglink model show FILE [--chart PATH.png|PATH.html]``: inspect a saved linking model.

Prints the model's prior, threshold, blocking rules and per comparison each level's m, u and
match weight; ``--chart`` also draws the match-weights chart (PNG or offline HTML).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    show = actions.add_parser("show", help="print a model's comparisons, levels, m, u, weights")
    show.add_argument("file", type=Path, help="a model.json written by kglink link")
    show.add_argument("--chart", type=Path, metavar="PATH",
                      help="also draw the match-weights chart to PATH.png or PATH.html")


def run(args: argparse.Namespace) -> int:
    from linking.model_report import (
        chart_format,
        model_table,
        read_model_document,
        write_weights_chart,
    )

    if args.chart is not None:
        chart_format(args.chart)  # refuse a bad suffix before printing anything
    document = read_model_document(args.file)
    print(model_table(document))
    if args.chart is not None:
        print(f"\nchart: {write_weights_chart(document, args.chart)}")
    return 0
