"""``kglink judge same|different DEPT:RECORD_ID DEPT:RECORD_ID``: a human judgment.

Appended (with who and when) to $KGLINK_JUDGMENTS or $KGLINK_HOME/judgments.jsonl; every
later ``kglink link`` / ``kglink run`` obeys it: "same" forces the merge, "different"
forbids it, even through other records.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("verdict", choices=["same", "different"])
    parser.add_argument("a", metavar="DEPT:RECORD_ID")
    parser.add_argument("b", metavar="DEPT:RECORD_ID")
    parser.add_argument("--who", help="who judged (default: the login name)")
    parser.add_argument("--note", default="", help="a short reason")
    parser.add_argument("--judgments", type=Path,
                        help="judgments file (default $KGLINK_JUDGMENTS or "
                             "$KGLINK_HOME/judgments.jsonl)")


def run(args: argparse.Namespace) -> int:
    from linking.judgments import JudgmentStore

    store = JudgmentStore(args.judgments)
    judgment = store.add(args.verdict, args.a, args.b, who=args.who, note=args.note)
    print(f"recorded: {judgment.a} {judgment.verdict} {judgment.b} "
          f"(by {judgment.who} at {judgment.when}) in {store.path}")
    return 0
