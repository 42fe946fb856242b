"""A record added through the resolver (what ``POST /records`` calls) gets its identifier node
and links in the same transaction: a copy of a stored record joins that record's entity and
its existing identifier node; a record with a new ID number creates one, issued in its
division, and its new entity is identified by it."""

from __future__ import annotations

import pandas as pd
import pytest
from identifier_case import ID_A

import kglink
from graph.admin import reset_database
from loaders.fields import FIELDS
from loaders.synthetic.generate import generate

LINKS_OF = ("MATCH (r:SourceRecord {record_key: $key})-[:IDENTIFIED_BY]->(x:Identifier) "
            "MATCH (r)-[:REFERS_TO]->(e) "
            "RETURN x.identifier_key AS key, x.notation AS notation, e.entity_id AS entity, "
            "EXISTS { (e)-[:IDENTIFIED_BY]->(x) } AS entity_linked")


def _count(driver, database, query: str) -> int:
    return driver.execute_query(query, database_=database).records[0][0]


def _links(driver, database, key: str) -> list[tuple]:
    return [tuple(r.values()) for r in
            driver.execute_query(LINKS_OF, key=key, database_=database).records]


@pytest.fixture(scope="module")
def loaded(neo4j_target, tmp_path_factory):
    driver, database = neo4j_target
    reset_database(driver, database)
    spec = generate(tmp_path_factory.mktemp("sources"), persons=60, organizations=10, seed=5,
                    formats="fast")
    run = kglink.run(spec, driver=driver, database=database, judgments=())
    return driver, database, run.ingested.persons


def test_added_records_get_their_identifier_links(loaded):
    driver, database, persons = loaded
    nodes = "MATCH (x:Identifier) RETURN count(x)"
    before = _count(driver, database, nodes)
    row = persons[persons["id_valid"].fillna(False).astype(bool)].iloc[0]
    stored = _links(driver, database, f"{row['department']}:{row['record_id']}")
    copy = {f: row[f] for f in FIELDS["person"] if f in row.index and not pd.isna(row[f])}
    new = {"department": "卫健委", "record_id": "WJ-NEW-1", "name": "欧阳翠花",
           "birth_date": "1990-03-07", "sex": "男", "id_number": ID_A}
    with kglink.Resolver(driver=driver, database=database) as resolver:
        joined = resolver.add_record({**copy, "department": "卫健委", "record_id": "WJ-COPY-1"})
        added = resolver.add_record(new)
    assert joined.outcome == "joined" and added.outcome == "new"
    assert _links(driver, database, "卫健委:WJ-COPY-1") == stored
    assert len(stored) == 1 and stored[0][1] == row["id_number"] and stored[0][3]
    [(key, notation, entity, entity_linked)] = _links(driver, database, "卫健委:WJ-NEW-1")
    assert (key.startswith("id_number."), notation, entity, entity_linked) == (
        True, ID_A, added.entity_id, True)
    assert _count(driver, database, nodes) == before + 1
    issued = driver.execute_query(
        "MATCH (x:Identifier {notation: $n})-[:ISSUED_IN]->(d) RETURN d.code, x.valid",
        n=ID_A, database_=database).records
    assert [tuple(r.values()) for r in issued] == [("110101", True)]
