"""Human judgments: "these two records are the same / different", obeyed by every run.

Stored append-only as JSON lines (one judgment per line, with who and when) in
``$KGLINK_JUDGMENTS`` or ``$KGLINK_HOME/judgments.jsonl`` (KGLINK_HOME defaults to
``~/.cache/kglink``). Each append is flushed and fsynced, so a judgment survives a crash.
For a pair judged several times the latest judgment wins.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from linking.kglink_home import kglink_home

VERDICTS = ("same", "different")


@dataclass(frozen=True)
class Judgment:
    """One human judgment about two records, each ``DEPT:RECORD_ID``."""

    verdict: str
    a: str
    b: str
    who: str
    when: str
    note: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)


def default_path() -> Path:
    """Where judgments live: KGLINK_JUDGMENTS, else $KGLINK_HOME/judgments.jsonl."""
    override = os.environ.get("KGLINK_JUDGMENTS")
    if override:
        return Path(override).expanduser()
    return kglink_home() / "judgments.jsonl"


def parse_record_key(text: str) -> tuple[str, str]:
    """``DEPT:RECORD_ID`` -> (department, record_id); the record id may itself hold ':'."""
    dept, sep, record = str(text).partition(":")
    if not sep or not dept.strip() or not record.strip():
        raise ValueError(f"record {text!r}: expected DEPT:RECORD_ID")
    return dept.strip(), record.strip()


class JudgmentStore:
    """The durable, append-only judgment log."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    def add(self, verdict: str, a: str, b: str, who: str | None = None,
            note: str = "") -> Judgment:
        """Record a judgment (validated) and return it."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict {verdict!r}: expected one of {', '.join(VERDICTS)}")
        ka, kb = (":".join(parse_record_key(x)) for x in (a, b))
        if ka == kb:
            raise ValueError(f"both records are {ka}: a judgment needs two different records")
        judgment = Judgment(verdict=verdict, a=ka, b=kb, who=who or _user(),
                            when=datetime.now(UTC).isoformat(timespec="seconds"), note=note)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(judgment), ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        return judgment

    def all(self) -> list[Judgment]:
        """Every judgment in order; a malformed line is an error naming file and line."""
        if not self.path.is_file():
            return []
        out = []
        with open(self.path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    out.append(Judgment(**{k: data[k] for k in
                                           ("verdict", "a", "b", "who", "when")},
                                        note=data.get("note", "")))
                except (ValueError, KeyError, TypeError) as exc:
                    raise ValueError(f"{self.path}:{number}: bad judgment line ({exc})") \
                        from None
        return out

    def effective(self) -> dict[tuple[str, str], str]:
        """Latest verdict per unordered record pair."""
        return {j.pair: j.verdict for j in self.all()}


def effective_judgments(judgments) -> dict[tuple[str, str], str]:
    """Normalise what link() accepts: a store, Judgments, or (verdict, a, b) tuples."""
    if judgments is None:
        return {}
    if isinstance(judgments, JudgmentStore):
        return judgments.effective()
    out: dict[tuple[str, str], str] = {}
    for item in judgments:
        if isinstance(item, Judgment):
            out[item.pair] = item.verdict
            continue
        verdict, a, b = item
        if verdict not in VERDICTS:
            raise ValueError(f"judgment verdict {verdict!r}: expected same or different")
        pair = tuple(sorted((":".join(parse_record_key(a)), ":".join(parse_record_key(b)))))
        out[pair] = verdict
    return out


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
