"""The graph store against the real Neo4j: counts equal the linking output, a second run
changes nothing, an incremental batch gives exactly the expected merges and splits."""

from __future__ import annotations

import json

import pandas as pd
from graphstore_frames import HRSS, PSB, SAMR, Ingested, Linked, small_case
from graphstore_snapshot import count, snapshot

from graph.store import write_graph
from ontology.schema import labels, props, rels

L, R, K = labels, rels, props


def entity_ids(driver, database, label):
    rows = driver.execute_query(f"MATCH (e:{label}) RETURN e.{K.entity_id} AS id ORDER BY id",
                                database_=database).records
    return [r["id"] for r in rows]


def test_graph_counts_equal_the_linking_output(graph_db):
    driver, database = graph_db
    ingested, linked = small_case()
    summary = write_graph(driver, database, ingested, linked, progress=False)

    assert entity_ids(driver, database, L.NaturalPerson) == ["P1", "P2", "P3"]
    assert entity_ids(driver, database, L.LegalPerson) == ["O1"]
    assert count(driver, database, f"MATCH (r:{L.SourceRecord}) RETURN count(r)") == 7
    # every record refers to exactly its cluster's entity, and comes from its department
    rows = driver.execute_query(
        f"MATCH (d:{L.Department})<-[:{R.FROM_DEPARTMENT}]-(r:{L.SourceRecord})"
        f"-[t:{R.REFERS_TO}]->(e) RETURN r.{K.department} AS dep, d.{K.name} AS dname, "
        f"r.{K.record_id} AS rid, e.{K.entity_id} AS eid, t.{K.score} AS score",
        database_=database).records
    assert len(rows) == 7 and all(r["dep"] == r["dname"] for r in rows)
    assert ({(r["dep"], r["rid"], r["eid"]) for r in rows}
            == set(linked.clusters[["department", "record_id", "entity_id"]]
                   .itertuples(index=False, name=None)))
    assert {r["rid"]: r["score"] for r in rows}["8"] == 0.91
    assert summary.records == {"person": 5, "organization": 2}
    assert summary.unresolved_relations == {"from_id does not resolve to an entity": 1}

    p1 = driver.execute_query(f"MATCH (e:{L.NaturalPerson} {{{K.entity_id}: 'P1'}}) RETURN e",
                              database_=database).records[0]["e"]
    assert p1[K.name] == "张三" and p1[K.phone] == "13800000001"   # PSB listed first
    assert p1[K.phones] == ["13800000001", "13900000009"]
    assert p1[K.uri].endswith("/P1")
    record = driver.execute_query(
        f"MATCH (r:{L.SourceRecord} {{{K.record_key}: $k}}) RETURN r", k=f"{HRSS}:7",
        database_=database).records[0]["r"]
    assert (record[K.source], record[K.line], record[K.batch]) == ("hrss.csv", 2, summary.batch)
    assert record[K.phone] == "13900000009" and record[K.loaded_at]

    rel_rows = driver.execute_query(
        "MATCH (a)-[x]->(b) WHERE type(x) IN $types "
        f"RETURN a.{K.entity_id} AS a, type(x) AS t, b.{K.entity_id} AS b, x AS x",
        types=[R.SHAREHOLDER_OF, R.SPOUSE_OF, R.PARENT_OF, R.LEGAL_REPRESENTATIVE_OF],
        database_=database).records
    assert {(r["a"], r["t"], r["b"]) for r in rel_rows} == {
        ("P2", R.SHAREHOLDER_OF, "O1"), ("P1", R.SPOUSE_OF, "P2"), ("P1", R.PARENT_OF, "P3"),
        ("P1", R.LEGAL_REPRESENTATIVE_OF, "O1")}
    share = next(r["x"] for r in rel_rows if r["t"] == R.SHAREHOLDER_OF)
    assert share[K.share_ratio] == 0.35 and share[K.department] == SAMR

    located = driver.execute_query(
        f"MATCH (e:{L.NaturalPerson} {{{K.entity_id}: 'P1'}})-[:{R.LOCATED_IN}]->"
        f"(a:{L.AdministrativeDivision}) OPTIONAL MATCH (a)-[:{R.LOCATED_IN}*]->"
        f"(up:{L.AdministrativeDivision}) RETURN a.{K.code} AS code, collect(up.{K.code}) AS up",
        database_=database).records[0]
    assert located["code"] == "430102" and set(located["up"]) >= {"430000"}


def test_second_run_changes_nothing(graph_db):
    driver, database = graph_db
    ingested, linked = small_case()
    first = write_graph(driver, database, ingested, linked, progress=False)
    before = snapshot(driver, database)
    second = write_graph(driver, database, ingested, linked, progress=False)
    assert snapshot(driver, database) == before          # times included: nothing moved
    assert second.batch == first.batch
    assert (second.nodes_created, second.relationships_created, second.nodes_deleted,
            second.relationships_deleted, second.records_changed) == (0, 0, 0, 0, 0)


def _second_batch() -> tuple[Ingested, Linked]:
    """A new record, a corrected record, a split (HRSS:7 leaves P1), a merge (PSB:3 joins
    P2) and a shareholder record now naming another person."""
    ingested, linked = small_case()
    persons = ingested.persons.copy()
    persons.loc[persons["record_id"] == "8", "phone"] = "13700000008"       # corrected
    persons = pd.concat([persons, pd.DataFrame([{
        "department": PSB, "source": "psb.csv", "record_id": "4", "line": 5, "name": "赵六",
        "id_number": "430105200002023456", "id_valid": True, "region_code": "430105"}])],
        ignore_index=True)
    relations = ingested.relations.copy()
    relations.loc[relations["record_id"] == "R1", "from_id"] = "430102199001011234"
    clusters = linked.clusters.copy()
    clusters.loc[clusters["record_id"] == "7", "entity_id"] = "P4"
    clusters.loc[clusters["record_id"] == "3", "entity_id"] = "P2"
    clusters = pd.concat([clusters, pd.DataFrame([(PSB, "4", "P5", "person")],
                                                 columns=clusters.columns)], ignore_index=True)
    links = pd.concat([linked.links.iloc[1:], pd.DataFrame([{
        "department_l": PSB, "record_id_l": "2", "department_r": PSB, "record_id_r": "3",
        "score": 0.88, "evidence": json.dumps({"rule": "fellegi_sunter", "total": 0.88})}])],
        ignore_index=True)
    return (Ingested(persons, ingested.organizations, relations), Linked(clusters, links))


def test_incremental_batch_merges_splits_and_keeps_history(graph_db):
    driver, database = graph_db
    first = write_graph(driver, database, *small_case(), progress=False)
    ingested, linked = _second_batch()
    second = write_graph(driver, database, ingested, linked, progress=False)
    assert second.batch != first.batch and (second.merges, second.splits) == (1, 1)

    assert entity_ids(driver, database, L.NaturalPerson) == ["P1", "P2", "P4", "P5"]
    merge = driver.execute_query(f"MATCH (m:{L.MergeEvent}) RETURN m", database_=database)
    [m] = [r["m"] for r in merge.records]
    assert (m[K.entity_id], m[K.merged_from], m[K.batch]) == ("P2", ["P3"], second.batch)
    assert json.loads(m[K.reason])["best_score"] == 0.88
    [s] = [r["s"] for r in driver.execute_query(f"MATCH (s:{L.SplitEvent}) RETURN s",
                                                 database_=database).records]
    assert (s[K.entity_id], s[K.split_into]) == ("P1", ["P1", "P4"])
    survivor = driver.execute_query(
        f"MATCH (e:{L.NaturalPerson} {{{K.entity_id}: 'P2'}}) RETURN e.{K.merged_from} AS m, "
        f"e.{K.names} AS names", database_=database).records[0]
    assert survivor["m"] == ["P3"] and survivor["names"] == ["李四", "李肆", "王五"]

    # no orphans: every entity is referred to; every record refers to exactly one entity
    assert count(driver, database, f"MATCH (e) WHERE (e:{L.NaturalPerson} OR e:{L.LegalPerson}) "
                 f"AND NOT (e)<-[:{R.REFERS_TO}]-() RETURN count(e)") == 0
    assert count(driver, database, f"MATCH (r:{L.SourceRecord}) WHERE "
                 f"COUNT {{ (r)-[:{R.REFERS_TO}]->() }} <> 1 RETURN count(r)") == 0
    # relations follow the records: PSB:3 is now P2's child, R1 names P1 as shareholder
    edges = {tuple(r.values()) for r in driver.execute_query(
        "MATCH (a)-[x]->(b) WHERE type(x) IN $types "
        f"RETURN a.{K.entity_id}, type(x), b.{K.entity_id}",
        types=[R.SHAREHOLDER_OF, R.PARENT_OF, R.SPOUSE_OF], database_=database).records}
    assert edges == {("P1", R.SHAREHOLDER_OF, "O1"), ("P1", R.PARENT_OF, "P2"),
                     ("P1", R.SPOUSE_OF, "P2")}
    # only changed records move to the new batch
    batches = {r["k"]: (r["b"], r["t"]) for r in driver.execute_query(
        f"MATCH (r:{L.SourceRecord}) RETURN r.{K.record_key} AS k, r.{K.batch} AS b, "
        f"r.{K.loaded_at} AS t", database_=database).records}
    assert batches[f"{HRSS}:8"][0] == second.batch and batches[f"{PSB}:4"][0] == second.batch
    assert batches[f"{PSB}:1"][0] == first.batch
    assert batches[f"{HRSS}:8"][1] >= batches[f"{PSB}:1"][1]
    loads = driver.execute_query(f"MATCH (b:{L.LoadBatch}) RETURN b.{K.status} AS s",
                                 database_=database).records
    assert [r["s"] for r in loads] == ["complete", "complete"]

    # and running the second batch again changes nothing, history included
    before = snapshot(driver, database)
    again = write_graph(driver, database, ingested, linked, progress=False)
    assert snapshot(driver, database) == before and (again.merges, again.splits) == (0, 0)
