"""``kglink audit verify``: check the HTTP service's audit log ($KGLINK_HOME/audit.jsonl):
every entry's own hash, the chain from each entry to the one before, and the head's count.
Exit 0 with "audit log intact: N entries", else 1 naming the first bad line."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    actions.add_parser("verify", help="check the hash chain; non-zero on any edit or gap")


def run(args: argparse.Namespace) -> int:
    from kglink.service.audit import audit_path, verify

    entries, fault = verify()
    if fault:
        print(f"kglink: audit log broken: {fault}", file=sys.stderr)
        return 1
    print(f"audit log intact: {entries} entries ({audit_path()})")
    return 0
