"""``kglink neo4j start|stop|status|reset --yes``."""

from __future__ import annotations

import argparse
import os


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["start", "stop", "status", "reset"])
    parser.add_argument("--yes", action="store_true", help="confirm `reset` (deletes all data)")


def run(args: argparse.Namespace) -> int:
    if args.action == "reset":
        return _reset(args.yes)
    if os.environ.get("NEO4J_URI"):
        raise RuntimeError(f"NEO4J_URI is set ({os.environ['NEO4J_URI']}): kglink does not "
                           f"{args.action} a server it did not provision")
    from graph.local_server import LocalNeo4j

    server = LocalNeo4j.from_env()
    print(getattr(server, args.action)())
    return 0


def _reset(confirmed: bool) -> int:
    if os.environ.get("NEO4J_URI"):
        raise RuntimeError("refusing to reset a server given by NEO4J_URI; "
                           "reset only applies to kglink's local Neo4j")
    if not confirmed:
        raise RuntimeError("reset deletes all data in the local Neo4j: add --yes to confirm")
    from graph.admin import reset_database
    from graph.connection import connect

    driver, database = connect()
    with driver:
        removed = reset_database(driver, database)
    print(f"deleted {removed} nodes and their relationships")
    return 0
