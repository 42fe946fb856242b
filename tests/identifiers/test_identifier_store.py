"""Identifier nodes written by a load (Cypher path): exact nodes, values and links on the
hand-made case; a record re-linked to another entity moves its identifier link; a corrected
number's old identifier, carried by no record any more, is deleted; a re-run changes
nothing; a masked number never becomes an identifier."""

from __future__ import annotations

from identifier_case import (
    CREDIT,
    HRSS,
    ID_A,
    ID_B,
    ID_BAD,
    ID_FIXED,
    PERSON_ROWS,
    PSB,
    REG,
    SAMR,
    TAX,
    identifier_case,
)

from graph.store import write_graph

NODES = ("MATCH (x:Identifier) RETURN x.scheme AS scheme, x.notation AS notation, "
         "x.valid AS valid, x.issuer AS issuer, x.issuer_authority AS authority "
         "ORDER BY notation")
LINKS = ("MATCH (a)-[:IDENTIFIED_BY]->(x:Identifier) "
         "RETURN coalesce(a.entity_id, a.record_key) AS owner, x.notation AS notation "
         "ORDER BY owner, notation")
ISSUED = ("MATCH (x:Identifier)-[:ISSUED_IN]->(d:AdministrativeDivision) "
          "RETURN x.notation AS notation, d.code AS code, d.name AS name ORDER BY notation")


def _rows(driver, database, query):
    return [tuple(r.values()) for r in driver.execute_query(query, database_=database).records]


def _load(driver, database, persons=None, batch=None):
    return write_graph(driver, database, *identifier_case(persons), batch_id=batch,
                       progress=False, bulk="never")


def test_a_load_writes_each_identifier_once_with_its_links(graph_db):
    driver, database = graph_db
    _load(driver, database)
    assert _rows(driver, database, NODES) == [
        ("id_number", ID_A, True, "110101", None),
        ("reg_number", REG, None, "430100", None),
        ("id_number", ID_B, True, "430102", None),
        ("id_number", ID_BAD, False, "430103", None),
        ("credit_code", CREDIT, True, "430100", "9"),
    ]
    assert _rows(driver, database, LINKS) == sorted([
        ("O1", CREDIT), ("O1", REG), ("P1", ID_A), ("P1", ID_B), ("P2", ID_BAD),
        (f"{HRSS}:1", ID_A), (f"{PSB}:1", ID_A), (f"{PSB}:2", ID_BAD),
        (f"{SAMR}:100", CREDIT), (f"{SAMR}:100", REG), (f"{TAX}:1", ID_B),
        (f"{TAX}:200", CREDIT)])
    assert _rows(driver, database, ISSUED) == [
        (ID_A, "110101", "东城区"), (REG, "430100", "长沙市"), (ID_B, "430102", "芙蓉区"),
        (ID_BAD, "430103", "天心区"), (CREDIT, "430100", "长沙市")]
    # the masked number (PSB:3, entity P3) is no identifier and links nothing
    assert _rows(driver, database, "MATCH (x:Identifier) WHERE x.notation CONTAINS '*' "
                                   "RETURN count(x)") == [(0,)]
    assert _rows(driver, database, "MATCH (e {entity_id: 'P3'})-[:IDENTIFIED_BY]->() "
                                   "RETURN count(*)") == [(0,)]
    # keys never hold the number
    keys = _rows(driver, database, "MATCH (x:Identifier) RETURN x.identifier_key, x.notation")
    assert all(notation not in key and key.startswith(("id_number.", "credit_code.",
                                                        "reg_number."))
               for key, notation in keys)


def test_a_rerun_changes_nothing(graph_db):
    driver, database = graph_db
    _load(driver, database)
    again = _load(driver, database, batch="again")
    assert (again.nodes_created, again.nodes_deleted, again.relationships_created,
            again.relationships_deleted) == (0, 0, 0, 0)


def test_a_record_moved_to_another_entity_moves_its_identifier_link(graph_db):
    driver, database = graph_db
    _load(driver, database)
    moved = [(*row[:4], "P4") if row[:2] == (TAX, "1") else row for row in PERSON_ROWS]
    _load(driver, database, moved, batch="split")
    links = _rows(driver, database, LINKS)
    assert [(o, n) for o, n in links if o.startswith("P")] == [
        ("P1", ID_A), ("P2", ID_BAD), ("P4", ID_B)]
    assert (f"{TAX}:1", ID_B) in links
    assert _rows(driver, database, "MATCH (x:Identifier) RETURN count(x)") == [(5,)]


def test_an_identifier_no_record_carries_is_deleted(graph_db):
    driver, database = graph_db
    _load(driver, database)
    fixed = [(*row[:3], ID_FIXED, row[4]) if row[:2] == (PSB, "2") else row
             for row in PERSON_ROWS]
    summary = _load(driver, database, fixed, batch="fixed")
    notations = [row[1] for row in _rows(driver, database, NODES)]
    assert ID_BAD not in notations
    assert ID_FIXED in notations and len(notations) == 5
    links = _rows(driver, database, LINKS)
    assert [n for o, n in links if o in ("P2", f"{PSB}:2")] == [ID_FIXED, ID_FIXED]
    assert _rows(driver, database, ISSUED)[3] == (ID_FIXED, "430103", "天心区")
    assert summary.nodes_deleted == 1
