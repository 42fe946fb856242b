"""``kglink keys add NAME --role ROLE`` / ``kglink keys list`` / ``kglink keys revoke NAME``:
the HTTP service's API keys in $KGLINK_HOME/keys.json (stored hashed; a key is shown once,
when added)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kglink.service.keys import ROLES

    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help="create a key; prints it once")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    actions.add_parser("list", help="names, roles, created, revoked (never the keys)")
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("name")


def run(args: argparse.Namespace) -> int:
    from kglink.service.keys import KeyStore

    store = KeyStore()
    if args.action == "add":
        token = store.add(args.name, args.role)
        print(token)
        print(f"kglink: key {args.name!r} ({args.role}) added to {store.path}; this is the only "
              "time it is shown", file=sys.stderr)
        return 0
    if args.action == "revoke":
        key = store.revoke(args.name)
        print(f"revoked: {key.name} ({key.role}) at {key.revoked}")
        return 0
    from queries.formatting import render

    rows = [[k.name, k.role, k.created, k.revoked or ""] for k in store.keys()]
    print(render(["name", "role", "created", "revoked"], rows, "table"))
    return 0
