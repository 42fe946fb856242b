"""A canonical, comparable picture of the whole graph: every node and relationship with
its labels/type and properties, keyed by the node's identifying property."""

from __future__ import annotations

import json

TIME_KEYS = ("loaded_at", "started_at", "completed_at", "at")
ID_KEYS = ("entity_id", "record_key", "identifier_key", "event_id", "batch", "code", "name",
           "interest_id")


def _key(labels: list[str], properties: dict) -> str:
    for k in ID_KEYS:
        if k in properties:
            return f"{sorted(labels)[0]}:{properties[k]}"
    raise AssertionError(f"node without identifying property: {labels} {properties}")


def _norm(properties: dict, drop_times: bool) -> str:
    if drop_times:
        properties = {k: v for k, v in properties.items() if k not in TIME_KEYS}
    return json.dumps(properties, sort_keys=True, ensure_ascii=False, default=str)


def snapshot(driver, database: str, drop_times: bool = False) -> tuple[dict, list]:
    """(nodes: key -> (labels, props JSON), sorted relationships)."""
    nodes = {}
    for labels, props in driver.execute_query(
            "MATCH (n) RETURN labels(n) AS l, properties(n) AS p", database_=database).records:
        key = _key(labels, props)
        assert key not in nodes, f"duplicate node {key}"
        nodes[key] = (sorted(labels), _norm(props, drop_times))
    rels = []
    for a_l, a_p, t, p, b_l, b_p in driver.execute_query(
            "MATCH (a)-[x]->(b) RETURN labels(a), properties(a), type(x), properties(x), "
            "labels(b), properties(b)", database_=database).records:
        rels.append((_key(a_l, a_p), t, _norm(p, drop_times), _key(b_l, b_p)))
    return nodes, sorted(rels)


def count(driver, database: str, cypher: str, **params) -> int:
    return driver.execute_query(cypher, params, database_=database).records[0][0]
