"""Run user Cypher read-only: in a read transaction, with a timeout and a row limit, and
only after its plan has shown that it neither reaches out nor interferes.

The read transaction stops writes: a statement that tries to write is refused by the server
and reported as ``ReadOnlyViolation`` with the database unchanged. A read transaction still
allows ``LOAD CSV`` (a request from the database host to any URL), ``TERMINATE
TRANSACTIONS`` (another session's work), ``SHOW ...`` (other sessions' queries and their
parameters, the server's settings) and any procedure. Those are refused as
``RefusedStatement`` before anything runs, twice over: a conservative check of the text
(comments and string literals removed, Unicode normalised, any case), then ``EXPLAIN``,
whose plan names every operator the server would run (``LoadCSV``, ``ProcedureCall`` with
the procedure, ``Show*``, ``Terminate*``, administration commands planned on ``system``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neo4j import Driver

DEFAULT_ROW_LIMIT = 10_000  # rows kept by `kglink cypher`, `query run` and `export` unless --all

# Procedures that only read the graph the caller can already read (names, schema, index
# look-ups). Not dbms.* (settings, users, connections), db.stats.* / db.clearQueryCaches
# (change server state), db.create* (write), db.awaitIndex (blocks), tx.* (metadata).
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys",
    "db.schema.visualization", "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
    "db.index.fulltext.queryNodes", "db.index.fulltext.queryRelationships",
    "db.index.vector.queryNodes", "db.index.vector.queryRelationships",
})

_WHY = {
    "LOAD CSV": "read-only Cypher may not fetch files or URLs",
    "TERMINATE": "read-only Cypher may not stop other sessions' transactions",
    "SHOW": "read-only Cypher may not list transactions, settings or other server state; "
            "use db.labels(), db.schema.visualization() for the schema",
    "administration command": "read-only Cypher may not manage users, roles or databases",
}
_KEYWORD = r"(?<![\w.:$])"  # a keyword, not a property, label or parameter of that name
_TEXT_RULES = [
    ("LOAD CSV", re.compile(_KEYWORD + r"load\s+csv\b", re.I)),
    ("TERMINATE", re.compile(_KEYWORD + r"terminate\b", re.I)),
    ("SHOW", re.compile(_KEYWORD + r"show\b", re.I)),
    ("administration command", re.compile(
        _KEYWORD + r"(grant|deny|revoke|alter|rename|enable|deallocate|reallocate|dryrun)\b|"
        + _KEYWORD + r"(create|drop|start|stop)\s+(or\s+replace\s+)?(user|role|database|"
        r"composite|alias|server)s?\b", re.I)),
]
_CALL = re.compile(_KEYWORD + r"call\b\s*(?![\s({])([^\s(]+)", re.I)
_QUOTED = re.compile(r"//[^\n]*|/\*.*?(?:\*/|$)|'(?:\\.|[^'\\])*'?|\"(?:\\.|[^\"\\])*\"?|"
                     r"`(?:``|[^`])*`?", re.S)


class ReadOnlyViolation(RuntimeError):
    """The statement tried to write; kglink runs user Cypher read-only."""


class RefusedStatement(RuntimeError):
    """The statement reads, but reaches out or interferes (LOAD CSV, TERMINATE, SHOW, an
    administration command, a procedure outside ``ALLOWED_PROCEDURES``)."""


class QueryFailed(RuntimeError):
    """The server rejected the statement (syntax, missing parameter, timeout, ...)."""


@dataclass
class Result:
    columns: list[str]
    rows: list[list[Any]]
    left_out: int = 0  # rows past the limit, counted and not kept

    @property
    def truncated(self) -> bool:
        """More rows existed than the limit."""
        return self.left_out > 0


def _refuse(what: str, why: str | None = None) -> RefusedStatement:
    return RefusedStatement(f"refused: {what}: {why or _WHY[what]}")


def _refuse_call(name: str) -> RefusedStatement:
    return RefusedStatement(f"refused: CALL {name}: the procedure is not in kglink's read-only "
                            f"allow-list ({', '.join(sorted(ALLOWED_PROCEDURES))})")


def _code_only(cypher: str, names: bool = False) -> str:
    """The statement with comments blanked and string literals emptied; quoted names become a
    placeholder (``names``: their text). NFKC-normalised, format characters (zero-width ...)
    dropped."""
    text = "".join(c for c in unicodedata.normalize("NFKC", cypher)
                   if unicodedata.category(c) != "Cf")

    def blank(match: re.Match) -> str:
        token = match.group(0)
        if token[0] == "`":
            return token.strip("`").replace("``", "`") if names else "quoted_name"
        return " " if token[0] == "/" else "''"

    return _QUOTED.sub(blank, text)


def check_text(cypher: str) -> None:
    """Refuse what the text alone shows; conservative (a refused word inside backticks,
    strings or comments is fine)."""
    code = _code_only(cypher)
    for what, rule in _TEXT_RULES:
        if rule.search(code):
            raise _refuse(what)
    allowed = {name.casefold() for name in ALLOWED_PROCEDURES}
    for match in _CALL.finditer(_code_only(cypher, names=True)):
        if match.group(1).casefold() not in allowed:
            raise _refuse_call(match.group(1))


def _operators(plan: dict) -> list[tuple[str, str, str]]:
    """(operator, database, details) of every operator in an EXPLAIN plan."""
    operator, _, database = plan.get("operatorType", "").partition("@")
    arguments = plan.get("args") or plan.get("arguments") or {}
    found = [(operator, database, str(arguments.get("Details", "")))]
    for child in plan.get("children", []):
        found.extend(_operators(child))
    return found


def check_plan(plan: dict | None, database: str) -> None:
    """Refuse a plan that loads CSV, shows or terminates, administers or calls a procedure
    outside ``ALLOWED_PROCEDURES``."""
    if not plan:
        raise _refuse("the statement", "the server gave no plan to check")
    for operator, on, details in _operators(plan):
        if operator == "LoadCSV":
            raise _refuse("LOAD CSV")
        if operator.startswith(("Show", "Terminate")):
            words = re.sub(r"(?<!^)(?=[A-Z])", " ", operator).upper()
            raise _refuse(words, _WHY[words.split()[0]])
        if operator == "AdministrationCommand" or (on and on != database):
            raise _refuse("administration command")
        if "ProcedureCall" in operator:
            name = details.split("(", 1)[0].strip()
            if name not in ALLOWED_PROCEDURES:
                raise _refuse_call(name or "(unnamed)")


def run_read(driver: Driver, database: str, cypher: str, params: dict[str, Any] | None = None,
             timeout: float = 60.0, limit: int | None = DEFAULT_ROW_LIMIT) -> Result:
    """Check, then run ``cypher`` in a managed read transaction; keep at most ``limit`` rows
    (None: all) and count the rest."""
    from neo4j.exceptions import ClientError, Neo4jError

    from graph.client import ReadTimedOut, in_read_transaction

    check_text(cypher)
    values = params or {}

    def work(tx):
        check_plan(tx.run("EXPLAIN " + cypher, values).consume().plan, database)
        result = tx.run(cypher, values)
        rows: list[list[Any]] = []
        left_out = 0
        for record in result:
            if limit is None or len(rows) < limit:
                rows.append(list(record.values()))
            else:
                left_out += 1
        return Result(list(result.keys()), rows, left_out)

    try:
        return in_read_transaction(driver, database, work, timeout)
    except ReadTimedOut as exc:
        raise QueryFailed(str(exc)) from None
    except ClientError as exc:
        code = exc.code or ""
        if "AccessMode" in code or "read access mode" in (exc.message or ""):
            raise ReadOnlyViolation(
                "read-only: kglink runs Cypher in read transactions and this statement "
                f"tries to write ({exc.message})") from None
        raise QueryFailed(f"{code.rsplit('.', 1)[-1]}: {exc.message}") from None
    except Neo4jError as exc:
        raise QueryFailed(f"{exc.code}: {exc.message}") from None


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``["k=v", ...]`` to a dict; values that read as JSON (numbers, true, lists) are typed."""
    import json

    params: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"parameter {pair!r} is not key=value")
        try:
            params[key] = json.loads(raw)
        except ValueError:
            params[key] = raw
    return params
