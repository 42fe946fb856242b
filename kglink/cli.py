"""The ``kglink`` command line: a thin shell over the packages.

Each sub-command lives in ``kglink/commands/<name>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``. Command modules import heavy libraries inside ``run`` only, so
``kglink --help`` answers at once. Any error reaches the user as one line on stderr
(set ``KGLINK_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from graph.connection import failure_message
from linking.kglink_home import keep_private

# name -> (module under kglink.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "the main job on generated sample data: ingest, link, store, report"),
    "neo4j": ("neo4j", "manage the local Neo4j server (start|stop|status|reset)"),
    "ingest": ("ingest", "load and standardise the sources of SOURCES.yaml"),
    "link": ("link", "ingest and resolve entities; write clusters, links and quality"),
    "model": ("model", "inspect a saved linking model: show FILE [--chart PATH]"),
    "run": ("run", "ingest, link and store in Neo4j (idempotent)"),
    "judge": ("judge", "record a human judgment: two records are the same / different"),
    "cypher": ("cypher", "run read-only Cypher and print the rows"),
    "query": ("query", "the query library: list | run NAME"),
    "export": ("export", "export a subgraph (graphml, gexf, ... see `kglink export --help`)"),
    "mine": ("mine", "cross-domain mining: communities | centrality | risk | regions"),
    "report": ("report", "offline HTML report with charts: regions -o report.html"),
    "ontology": ("ontology", "the ontology: show | load | check | validate | export | import"),
    "serve": ("serve", "the HTTP service (FastAPI): --host 127.0.0.1 --port 8000"),
    "keys": ("keys", "the HTTP service's API keys: add NAME --role ROLE | list | revoke NAME"),
    "audit": ("audit", "the HTTP service's audit log: verify (its hash chain)"),
    "text": ("text", "link the persons, companies and identifiers of text files: link FILE..."),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kglink",
        description="Knowledge-graph entity linking for government-affairs data.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"kglink.commands.{module_name}")
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    import logging

    parser = build_parser()
    args = parser.parse_args(argv)
    # the server's query notifications (deprecations, unknown labels on an empty graph) are
    # not errors; keep stderr for what the user must act on
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    # the driver's retry warnings are multi-line; the error that ends the retries is reported
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    keep_private()  # the store, loads cache, judgments and exports hold personal data
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("kglink: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one line for the user, never a traceback
        if os.environ.get("KGLINK_DEBUG"):
            raise
        message = failure_message(exc) or " ".join(str(exc).split()) or type(exc).__name__
        print(f"kglink: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
