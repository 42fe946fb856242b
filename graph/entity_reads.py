"""Reads the HTTP service answers from: an entity's merge/split history and search by
attributes. Names come from the ontology (``quote``); values are parameters."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from graph.client import read
from graph.cypher_names import quote
from graph.nx_bridge import _parties, plain_value  # the one persons-or-companies subquery
from ontology.schema import labels as L
from ontology.schema import props as P

if TYPE_CHECKING:
    from neo4j import Driver

FULLTEXT_INDEX = "entity_names"  # created by ontology.schema.schema_statements
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def entity_history(driver: Driver, database: str, entity_id: str,
                   timeout: float = 30.0) -> dict[str, Any] | None:
    """How an entity came to be: its ``merged_from`` ids and every MergeEvent/SplitEvent that
    names it (as the survivor, a merged-in id or a split part), oldest first; None when no
    person or company has ``entity_id``."""
    e, v = quote(P.entity_id), "v"
    rows = read(driver, database,
                _parties("x", f"x.{e} = $id")
                + f"RETURN x.{e} AS entity_id, labels(x) AS labels, "
                  f"coalesce(x.{quote(P.merged_from)}, []) AS merged_from", {"id": entity_id},
                timeout)
    if not rows:
        return None
    events = []
    for label in (L.MergeEvent, L.SplitEvent):
        events += [dict(r) for r in read(
            driver, database,
            f"MATCH ({v}:{quote(label)}) WHERE {v}.{e} = $id "
            f"OR $id IN coalesce({v}.{quote(P.merged_from)}, []) "
            f"OR $id IN coalesce({v}.{quote(P.split_into)}, []) "
            f"RETURN $label AS kind, {v}.{quote(P.event_id)} AS event_id, "
            f"{v}.{e} AS entity_id, {v}.{quote(P.merged_from)} AS merged_from, "
            f"{v}.{quote(P.split_into)} AS split_into, {v}.{quote(P.reason)} AS reason, "
            f"{v}.{quote(P.batch)} AS batch, {v}.{quote(P.at)} AS at",
            {"id": entity_id, "label": label}, timeout)]
    events.sort(key=lambda x: (str(plain_value(x["at"])), x["event_id"]))
    row = rows[0]
    return {"entity_id": row["entity_id"], "labels": sorted(row["labels"]),
            "merged_from": list(row["merged_from"]),
            "events": [{k: plain_value(x) for k, x in ev.items()} for ev in events]}


def name_query(name: str, fuzzy: bool) -> str:
    """A Lucene query for ``name``, special characters escaped. The index splits Chinese
    text into single characters, so a Chinese word is searched as the exact phrase (boosted)
    or any of its characters (a typo still finds the name, ranked lower); other words by
    edit distance up to 2 (``~``) when ``fuzzy``."""
    parts = []
    for word in name.split():
        escaped = _LUCENE_SPECIAL.sub(r"\\\1", word)
        if _CJK.search(word):
            chars = [_LUCENE_SPECIAL.sub(r"\\\1", c) for c in word]
            parts.append(f'("{escaped}"^4' + "".join(f" OR {c}" for c in chars if fuzzy) + ")")
        else:
            parts.append(escaped + ("~" if fuzzy else ""))
    return " AND ".join(parts)


def search_entities(driver: Driver, database: str, *, name: str | None = None,
                    id_number: str | None = None, phone: str | None = None,
                    address: str | None = None, fuzzy: bool = True, limit: int = 20,
                    timeout: float = 30.0) -> list[dict[str, Any]]:
    """Persons and companies matching every given attribute: ``name`` through the
    ``entity_names`` full-text index (typos allowed with ``fuzzy``); ``id_number`` (also a
    credit code), ``phone`` and ``address`` exactly, against the best value and every value
    seen. Rows: entity_id, labels, name, score (the full-text score, 1.0 without a name),
    best first."""
    given = {"id_number": id_number, "phone": phone, "address": address}
    given = {k: v for k, v in given.items() if v}
    if not name and not given:
        raise ValueError("give at least one of name, id_number, phone, address")
    conditions = [_exact_condition(field) for field in given]
    where = " AND ".join(conditions) or "true"
    if name:
        if not name_query(name, fuzzy):
            raise ValueError("name has no words to search for")
        statement = (f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q) "
                     "YIELD node AS x, score WHERE " + where + " ")
    else:
        statement = _parties("x", where) + "WITH x, 1.0 AS score "
    statement += (f"RETURN x.{quote(P.entity_id)} AS entity_id, labels(x) AS labels, "
                  f"x.{quote(P.name)} AS name, score "
                  f"ORDER BY score DESC, entity_id LIMIT $limit")
    params = {**given, "q": name_query(name, fuzzy) if name else None, "limit": limit}
    return [{"entity_id": r["entity_id"], "labels": sorted(r["labels"]), "name": r["name"],
             "score": round(float(r["score"]), 6)}
            for r in read(driver, database, statement, params, timeout)]


def _exact_condition(field: str) -> str:
    """``x`` holds ``$field`` as its best value or among every value seen."""
    if field == "id_number":
        keys = [(P.id_number, P.id_numbers), (P.credit_code, None)]
    else:
        keys = [(getattr(P, field), getattr(P, field + ("es" if field == "address" else "s")))]
    parts = []
    for best, every in keys:
        parts.append(f"x.{quote(best)} = ${field}")
        if every:
            parts.append(f"${field} IN coalesce(x.{quote(every)}, [])")
    return "(" + " OR ".join(parts) + ")"
