"""Every library query against the known graph: exact answers, defaults, bad parameters."""

from __future__ import annotations

import pytest
from queries_known_graph import HRSS, PSB, SAMR, SHARED_ADDRESS, SHARED_PHONE, TAX

from queries.library import QueryError, get_query, library, run_query

NAMES = ["entity-profile", "ego-network", "shortest-path", "ownership-chain",
         "beneficial-owners", "circular-ownership", "shared-contacts", "multi-role-persons",
         "cross-department"]


def rows(graph, name, **params):
    driver, database = graph
    result = run_query(driver, database, name, params)
    assert tuple(result.columns) == get_query(name).returns
    return [dict(zip(result.columns, r, strict=True)) for r in result.rows]


def test_library_has_the_contract_queries_with_their_defaults():
    assert set(NAMES) <= set(library())
    defaults = {(q, p.name): p.default for q in NAMES for p in get_query(q).params
                if not p.required}
    assert defaults[("ego-network", "hops")] == 2
    assert defaults[("shortest-path", "max_hops")] == 6
    assert defaults[("ownership-chain", "depth")] == 5
    assert defaults[("beneficial-owners", "threshold")] == 0.25
    assert defaults[("circular-ownership", "max_length")] == 6
    assert defaults[("shared-contacts", "min_entities")] == 3
    assert defaults[("multi-role-persons", "min_companies")] == 3
    assert defaults[("cross-department", "min_departments")] == 3
    for q in library().values():
        assert q.description_en and q.description_zh and q.returns


def test_entity_profile(known_graph):
    (row,) = rows(known_graph, "entity-profile", entity_id="P-0001")
    assert row["entity_id"] == "P-0001" and row["name"] == "张三"
    assert row["labels"] == ["NaturalPerson"]
    assert row["properties"]["id_number"] == "330106198001011234"
    assert row["departments"] == sorted([PSB, SAMR, TAX, HRSS])
    assert [r["record_key"] for r in row["records"]] == sorted(
        [f"{PSB}:1001", f"{SAMR}:2001", f"{TAX}:3001", f"{HRSS}:4001"])
    assert {r["record_key"]: r["score"] for r in row["records"]}[f"{SAMR}:2001"] == 0.97
    assert rows(known_graph, "entity-profile", entity_id="NOPE") == []


def test_ego_network(known_graph):
    def ego(**kw):
        return [(r["entity_id"], r["distance"]) for r in rows(known_graph, "ego-network", **kw)]

    assert ego(entity_id="P-0005") == [("P-0005", 0), ("C-0004", 1), ("P-0004", 1),
                                      ("P-0001", 2), ("P-0002", 2)]
    assert ego(entity_id="P-0005", hops=1) == [("P-0005", 0), ("C-0004", 1), ("P-0004", 1)]
    assert ego(entity_id="P-0005", types="SPOUSE_OF,PARENT_OF") == [
        ("P-0005", 0), ("P-0004", 1), ("P-0002", 2)]
    assert ego(entity_id="C-0008") == [("C-0008", 0), ("C-0009", 1)]


def test_shortest_path(known_graph):
    (row,) = rows(known_graph, "shortest-path", source_id="P-0005", target_id="C-0003")
    assert row["length"] == 3
    assert row["entity_ids"] == ["P-0005", "C-0004", "P-0001", "C-0003"]
    assert row["relationships"] == ["EMPLOYED_BY", "LEGAL_REPRESENTATIVE_OF", "EXECUTIVE_OF"]
    assert row["names"][0] == "孙七"
    types = ["SPOUSE_OF", "PARENT_OF", "SHAREHOLDER_OF"]
    (row,) = rows(known_graph, "shortest-path", source_id="P-0005", target_id="C-0003",
                  types=types)
    assert row["entity_ids"] == ["P-0005", "P-0004", "P-0002", "C-0002", "C-0003"]
    assert rows(known_graph, "shortest-path", source_id="P-0005", target_id="C-0003",
                types=types, max_hops=3) == []
    assert rows(known_graph, "shortest-path", source_id="P-0005", target_id="C-0008") == []


def test_ownership_chain_up_and_down(known_graph):
    def chain(**kw):
        return [(r["entity_id"], r["level"], r["effective_ownership"], r["paths"])
                for r in rows(known_graph, "ownership-chain", **kw)]

    assert chain(entity_id="C-0003") == [
        ("C-0002", 1, 0.8, 1), ("P-0003", 1, 0.2, 1),
        ("P-0002", 2, 0.56, 2), ("C-0001", 2, 0.4, 1), ("P-0001", 3, 0.24, 1)]
    assert chain(entity_id="C-0003", depth=1) == [("C-0002", 1, 0.8, 1), ("P-0003", 1, 0.2, 1)]
    assert chain(entity_id="P-0001", direction="down") == [
        ("C-0001", 1, 0.6, 1), ("C-0002", 2, 0.3, 1), ("C-0003", 3, 0.24, 1)]
    # a ring never loops back to its start
    assert chain(entity_id="C-0005", direction="down") == [
        ("C-0006", 1, 0.5, 1), ("C-0007", 2, 0.2, 1)]


def test_beneficial_owners(known_graph):
    def owners(**kw):
        return [(r["entity_id"], r["effective_ownership"], r["paths"])
                for r in rows(known_graph, "beneficial-owners", **kw)]

    assert owners(entity_id="C-0003") == [("P-0002", 0.56, 2)]
    assert owners(entity_id="C-0003", threshold=0.2) == [
        ("P-0002", 0.56, 2), ("P-0001", 0.24, 1), ("P-0003", 0.2, 1)]
    assert owners(entity_id="C-0001") == [("P-0001", 0.6, 1), ("P-0002", 0.4, 1)]
    assert owners(entity_id="C-0005") == []


def test_circular_ownership(known_graph):
    found = [(r["entity_ids"], r["min_share"], r["ring_product"])
             for r in rows(known_graph, "circular-ownership")]
    assert found == [(["C-0008", "C-0009"], 0.1, 0.02),
                     (["C-0005", "C-0006", "C-0007"], 0.3, 0.06)]
    assert [r["entity_ids"] for r in rows(known_graph, "circular-ownership", max_length=2)] == [
        ["C-0008", "C-0009"]]


def test_shared_contacts(known_graph):
    found = [(r["kind"], r["value"], r["entities"], r["entity_ids"])
             for r in rows(known_graph, "shared-contacts")]
    assert found == [
        ("address", SHARED_ADDRESS, 3, ["C-0001", "P-0001", "P-0004"]),
        ("legal_representative", "P-0001", 3, ["C-0001", "C-0002", "C-0004"]),
        ("legal_representative", "P-0003", 3, ["C-0003", "C-0005", "C-0006"]),
        ("phone", SHARED_PHONE, 3, ["C-0001", "C-0002", "C-0003"]),
    ]
    two = {(r["kind"], r["value"]) for r in rows(known_graph, "shared-contacts", min_entities=2)}
    assert ("phone", "13800000001") in two and len(two) == 5


def test_multi_role_persons(known_graph):
    found = [(r["entity_id"], r["companies"], r["company_ids"], r["roles"])
             for r in rows(known_graph, "multi-role-persons")]
    assert found == [
        ("P-0001", 4, ["C-0001", "C-0002", "C-0003", "C-0004"],
         ["EXECUTIVE_OF", "LEGAL_REPRESENTATIVE_OF"]),
        ("P-0003", 3, ["C-0003", "C-0005", "C-0006"], ["LEGAL_REPRESENTATIVE_OF"]),
    ]
    assert [r["entity_id"] for r in rows(known_graph, "multi-role-persons", min_companies=2)] == [
        "P-0001", "P-0003", "P-0002"]


def test_cross_department(known_graph):
    found = [(r["entity_id"], r["departments"], r["department_names"], r["records"])
             for r in rows(known_graph, "cross-department")]
    assert found == [("P-0001", 4, sorted([PSB, SAMR, TAX, HRSS]), 4),
                     ("P-0002", 3, sorted([PSB, TAX, HRSS]), 3)]
    two = [(r["entity_id"], r["departments"], r["records"])
           for r in rows(known_graph, "cross-department", min_departments=2)]
    assert two[-1] == ("C-0001", 2, 3)


@pytest.mark.parametrize("name, params, message", [
    ("ego-network", {}, "needs parameter 'entity_id'"),
    ("ego-network", {"entity_id": "x", "hops": 9}, "outside 1..6"),
    ("ego-network", {"entity_id": "x", "hops": "two"}, "is not an int"),
    ("ego-network", {"entity_id": "x", "colour": 1}, "has no parameter colour"),
    ("ego-network", {"entity_id": "x", "types": "FRIEND_OF"}, "undeclared relationship"),
    ("ownership-chain", {"entity_id": "x", "direction": "sideways"}, "not one of up, down"),
    ("no-such-query", {}, "no library query"),
])
def test_bad_parameters_are_refused_with_a_clear_message(name, params, message):
    with pytest.raises(QueryError, match=message):
        get_query(name).bind(params)


def test_undeclared_placeholder_fails_at_load(tmp_path):
    from queries.library import parse_query_file

    path = tmp_path / "bad.cypher"
    path.write_text("// name: bad\n// description.en: x\n// description.zh: x\n"
                    "// returns: n\nMATCH (n:{Sheriff}) RETURN n\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"bad.cypher: \{Sheriff\} is not a label"):
        parse_query_file(path)
