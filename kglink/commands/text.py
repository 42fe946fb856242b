"""``kglink text link FILE... [--format jsonl|table] [--store]``: find the persons,
companies and identifiers each file mentions and link them to the graph's entities.

Each FILE is one document (UTF-8 text) whose ``doc`` is the file's name. The files are
linked together, so their mentions estimate how many mean no graph entity (``--nil-prior``
fixes that share instead). Output: one JSON object per mention (doc, start, end, text, type,
entity_id (null: NIL), score, evidence), or a table. ``--store`` writes Document nodes and
their MENTIONS relationships, replacing what an earlier run stored for the same names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    link = actions.add_parser("link", help="link the mentions of text files to the graph")
    link.add_argument("files", nargs="+", type=Path, metavar="FILE")
    link.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    link.add_argument("--store", action="store_true",
                      help="write Document nodes and MENTIONS relationships into the graph")
    link.add_argument("--lang", choices=["zh", "en"],
                      help="the documents' language (default: guessed per document)")
    link.add_argument("--nil-prior", type=float, default=None, metavar="P",
                      help="share of mentions that mean no graph entity (default: estimated "
                           "from the files)")


def read_documents(paths: list[Path]) -> list[tuple[str, str]]:
    """(file name, text) per file; a missing or undecodable file is a one-line error."""
    documents = []
    for path in paths:
        try:
            documents.append((path.name, path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ValueError(f"{path}: no such file") from None
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    names = [doc for doc, _ in documents]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"two files share the document name {twice[0]!r}: a document is "
                         "named by its file name")
    return documents


def run(args: argparse.Namespace) -> int:
    from kglink.api import TextLinker

    documents = read_documents(args.files)
    with TextLinker(nil_prior=args.nil_prior) as linker:
        print(f"kglink text: linking {len(documents)} document(s)", file=sys.stderr)
        linked = linker.link_many(documents, args.lang)
        _print(linked, args.format)
        if args.store:
            written = linker.store([(doc, text, mentions) for (doc, text), mentions
                                    in zip(documents, linked, strict=True)], args.lang)
            print(f"kglink text: stored {len(documents)} document(s), {written} MENTIONS",
                  file=sys.stderr)
    return 0


def _print(linked: list[list], fmt: str) -> None:
    rows = [m.as_dict() for mentions in linked for m in mentions]
    if fmt == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
        return
    from queries.formatting import render

    print(render(["doc", "start", "end", "type", "text", "entity_id", "score"],
                 [[r["doc"], r["start"], r["end"], r["type"], r["text"].replace("\n", " "),
                   r["entity_id"] or "NIL", r["score"]] for r in rows], "table"))
