"""Run Cypher read-only: in a read transaction, with a timeout and a row limit.

User Cypher never runs in a write transaction here; a statement that tries to write is
refused by the server and reported as ``ReadOnlyViolation`` with the database unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neo4j import Driver


class ReadOnlyViolation(RuntimeError):
    """The statement tried to write; kglink runs user Cypher read-only."""


class QueryFailed(RuntimeError):
    """The server rejected the statement (syntax, missing parameter, timeout, ...)."""


@dataclass
class Result:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool  # more rows existed than the limit


def run_read(driver: Driver, database: str, cypher: str, params: dict[str, Any] | None = None,
             timeout: float = 60.0, limit: int = 10_000) -> Result:
    """Run ``cypher`` in a managed read transaction and return at most ``limit`` rows."""
    from neo4j.exceptions import ClientError, Neo4jError

    from graph.client import ReadTimedOut, in_read_transaction

    def work(tx):
        result = tx.run(cypher, params or {})
        rows = []
        for record in result:
            if len(rows) == limit:
                return list(result.keys()), rows, True
            rows.append(list(record.values()))
        return list(result.keys()), rows, False

    try:
        columns, rows, truncated = in_read_transaction(driver, database, work, timeout)
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
    return Result(columns=columns, rows=rows, truncated=truncated)


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
