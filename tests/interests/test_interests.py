"""Shareholdings and roles are nodes of their own (issue 15, item 3): the loaders read the post
and a share range from what a department writes, the graph store keeps one interest node per
interest-bearing relationship with the relationship's values and provenance, updates it in
place when the relationship changes and deletes it when the relationship goes, exports carry
it, and beneficial-owners walks interests of one type."""

from __future__ import annotations

import pandas as pd
import pytest
from interest_frames import LI, RELATION_ROWS, SAMR, YUELU, ZHANG, load, relations

from graph.export import export_graph
from graph.nx_bridge import subgraph_by_entity
from graph.store import write_graph
from graph.store.interests import interest_kinds
from ontology.schema import KG
from ontology.schema import labels as L
from ontology.schema import props as K
from ontology.schema import rels as R
from queries.library import run_query

ID = "https://w3id.org/kglink/id/"


def nan_to_none(values):
    """A column's values with NaN and pd.NA as None."""
    return [None if pd.isna(v) else v for v in values]


def test_the_loader_reads_posts_and_share_ranges():
    frame = relations()
    assert list(frame["record_id"]) == ["R1", "R2", "R3", "R4", "R5"]
    assert list(frame["type"]) == ["shareholder", "shareholder", "executive", "executive",
                                   "shareholder"]
    assert nan_to_none(frame["role"].tolist()) == [None, None, "director", "manager", None]
    assert nan_to_none(frame["share_ratio"].tolist()) == [0.35, None, None, None, 0.6]
    assert nan_to_none(frame["share_min"].tolist()) == [None, 0.25, None, None, None]
    assert nan_to_none(frame["share_max"].tolist()) == [None, 0.5, None, None, None]
    assert frame["flags"].isna().all()


def test_other_posts_ranges_and_what_is_no_share():
    frame = relations([
        ("A", "法人代表", "x", "y", None, None), ("B", "高管", "x", "y", None, None),
        ("C", "监事会主席", "x", "y", None, None), ("D", "股东", "x", "y", "0.2~0.4", None),
        ("E", "股东", "x", "y", "25%至50%", None), ("F", "股东", "x", "y", "50%-25%", None),
        ("G", "股东", "x", "y", "lots", None), ("H", "配偶", "x", "y", None, None)])
    assert nan_to_none(frame["role"].tolist()) == [
        "legal_representative", "executive", "supervisor", None, None, None, None, None]
    assert nan_to_none(frame["share_min"].tolist()) == [None, None, None, 0.2, 0.25, None,
                                                        None, None]
    assert nan_to_none(frame["share_max"].tolist()) == [None, None, None, 0.4, 0.5, None,
                                                        None, None]
    # a reversed range and a word are no share: flagged, never guessed
    assert nan_to_none(frame["flags"].tolist()) == [None] * 5 + ["share_ratio_unparsed"] * 2 \
        + [None]


def interests(driver, database) -> dict[str, dict]:
    """interest_id -> its label, holder, company, properties and DERIVED_FROM records (the
    record's label and key)."""
    rows = driver.execute_query(
        f"MATCH (a)-[:{R.HOLDS_INTEREST}]->(s)-[:{R.INTEREST_IN}]->(b) "
        f"OPTIONAL MATCH (s)-[:{R.DERIVED_FROM}]->(r) "
        f"RETURN s, labels(s) AS labels, a.{K.entity_id} AS holder, b.{K.entity_id} AS company, "
        f"collect([labels(r)[0], r.{K.record_key}]) AS derived", database_=database).records
    out = {}
    for row in rows:
        props = dict(row["s"])
        key = props.pop(K.interest_id)
        out[key] = {"labels": row["labels"], "holder": row["holder"],
                    "company": row["company"],
                    "derived": sorted(tuple(d) for d in row["derived"]), **props}
    return out


def relation_records(driver, database) -> dict[str, dict]:
    """record_key -> a RelationRecord's properties (less its load stamps) and department."""
    rows = driver.execute_query(
        f"MATCH (r:{L.RelationRecord})-[:{R.FROM_DEPARTMENT}]->(d) "
        f"RETURN r, d.{K.name} AS department", database_=database).records
    stamps = (K.record_key, K.batch, K.loaded_at, K.content_hash)
    return {row["r"][K.record_key]: {**{k: v for k, v in dict(row["r"]).items()
                                        if k not in stamps},
                                     "from_department": row["department"]}
            for row in rows}


def rel(record_id: str) -> tuple[str, str]:
    return (L.RelationRecord, f"{SAMR}:{record_id}")


def interest_count(driver, database) -> int:
    return driver.execute_query(f"MATCH (s:{L.Shareholding}|{L.Role}) RETURN count(s)",
                                database_=database).records[0][0]


def test_each_interest_is_a_node_with_its_values_and_provenance(graph_db):
    driver, database = graph_db
    write_graph(driver, database, *load(), progress=False)

    found = interests(driver, database)
    assert found == {
        "P2|SHAREHOLDER_OF|O1": {
            "labels": [L.Shareholding], "holder": "P2", "company": "O1",
            "derived": [rel("R1")], K.share_ratio: 0.35, K.start_date: "2020-01-01", K.department: SAMR,
            K.interest_type: "shareholding", K.direct_or_indirect: "direct",
            K.record_keys: [f"{SAMR}:R1"]},
        "O1|SHAREHOLDER_OF|O2": {
            "labels": [L.Shareholding], "holder": "O1", "company": "O2",
            "derived": [rel("R2")], K.share_min: 0.25, K.share_max: 0.5, K.start_date: "2021-03-15",
            K.department: SAMR, K.interest_type: "shareholding",
            K.direct_or_indirect: "direct", K.record_keys: [f"{SAMR}:R2"]},
        "P1|SHAREHOLDER_OF|O2": {
            "labels": [L.Shareholding], "holder": "P1", "company": "O2",
            "derived": [rel("R5")], K.share_ratio: 0.6, K.department: SAMR, K.interest_type: "shareholding",
            K.direct_or_indirect: "direct", K.record_keys: [f"{SAMR}:R5"]},
        # two posts stated by two rows: one role, both posts, the earlier start
        "P2|EXECUTIVE_OF|O1": {
            "labels": [L.Role], "holder": "P2", "company": "O1",
            "derived": [rel("R3"), rel("R4")], K.roles: ["director", "manager"], K.start_date: "2019-06-01",
            K.department: SAMR, K.record_keys: [f"{SAMR}:R3", f"{SAMR}:R4"]},
        # named on the company's own record: DERIVED_FROM reaches that SourceRecord
        "P1|LEGAL_REPRESENTATIVE_OF|O1": {
            "labels": [L.Role], "holder": "P1", "company": "O1",
            "derived": [(L.SourceRecord, f"{SAMR}:100")],
            K.roles: ["legal_representative"], K.department: SAMR,
            K.record_keys: [f"{SAMR}:100"]},
    }
    # the direct relationship carries the same posts
    (roles,) = driver.execute_query(
        f"MATCH (:{L.NaturalPerson} {{{K.entity_id}: 'P2'}})-[x:{R.EXECUTIVE_OF}]->() "
        f"RETURN x.{K.roles}", database_=database).records[0]
    assert roles == ["director", "manager"]
    # writing the same load again changes nothing
    again = write_graph(driver, database, *load(), progress=False)
    assert interests(driver, database) == found
    assert (again.nodes_created, again.nodes_deleted) == (0, 0)


def test_a_changed_relationship_updates_its_interest_and_a_gone_one_deletes_it(graph_db):
    driver, database = graph_db
    write_graph(driver, database, *load(), progress=False)
    (before,) = driver.execute_query(
        f"MATCH (s:{L.Shareholding} {{{K.interest_id}: 'P2|SHAREHOLDER_OF|O1'}}) "
        f"RETURN elementId(s)", database_=database).records[0]
    changed = [("R1", "股东", *RELATION_ROWS[0][2:4], "40%", "2020-01-01"),  # a new share
               RELATION_ROWS[2],                                            # R4 not restated
               ("R5", "股东", RELATION_ROWS[4][2], RELATION_ROWS[0][3], "60%", None)]  # moved
    write_graph(driver, database, *load(changed), progress=False)

    found = interests(driver, database)
    assert sorted(found) == ["O1|SHAREHOLDER_OF|O2", "P1|LEGAL_REPRESENTATIVE_OF|O1",
                             "P1|SHAREHOLDER_OF|O1", "P2|EXECUTIVE_OF|O1",
                             "P2|SHAREHOLDER_OF|O1"]
    assert found["P2|SHAREHOLDER_OF|O1"][K.share_ratio] == 0.4
    (after,) = driver.execute_query(
        f"MATCH (s:{L.Shareholding} {{{K.interest_id}: 'P2|SHAREHOLDER_OF|O1'}}) "
        f"RETURN elementId(s)", database_=database).records[0]
    assert after == before  # keyed by its relationship: the same node, updated
    assert found["P1|SHAREHOLDER_OF|O1"][K.record_keys] == [f"{SAMR}:R5"]
    assert (found["P2|EXECUTIVE_OF|O1"][K.roles],
            found["P2|EXECUTIVE_OF|O1"][K.record_keys]) == (["director"], [f"{SAMR}:R3"])
    # R4 was not restated: its record stays (loads add, never forget), its link goes
    assert found["P2|EXECUTIVE_OF|O1"]["derived"] == [rel("R3")]
    assert found["P1|SHAREHOLDER_OF|O1"]["derived"] == [rel("R5")]
    assert sorted(relation_records(driver, database)) == [
        f"{SAMR}:R{i}" for i in range(1, 6)]
    # one interest per interest-bearing relationship, none left over
    bearing = driver.execute_query(
        "MATCH ()-[x]->() WHERE type(x) IN $types RETURN count(x)",
        types=list(interest_kinds()), database_=database).records[0][0]
    assert interest_count(driver, database) == bearing == 5


def test_every_relation_row_is_a_record_of_what_it_states(graph_db):
    driver, database = graph_db
    rows = [*RELATION_ROWS, ("R6", "股东", LI, "91439999MA4L99999X", "10%", None)]
    summary = write_graph(driver, database, *load(rows), progress=False)
    assert summary.unresolved_relations == {"to_id does not resolve to an entity": 1}

    found = relation_records(driver, database)
    common = {K.department: SAMR, K.source: "samr_rel.csv", "from_department": SAMR}
    assert found == {
        f"{SAMR}:R1": {**common, K.record_id: "R1", K.line: 2,
                       K.relation_type: R.SHAREHOLDER_OF, K.share_ratio: 0.35,
                       K.start_date: "2020-01-01"},
        f"{SAMR}:R2": {**common, K.record_id: "R2", K.line: 3,
                       K.relation_type: R.SHAREHOLDER_OF, K.share_min: 0.25,
                       K.share_max: 0.5, K.start_date: "2021-03-15"},
        f"{SAMR}:R3": {**common, K.record_id: "R3", K.line: 4,
                       K.relation_type: R.EXECUTIVE_OF, K.roles: ["director"],
                       K.start_date: "2019-06-01"},
        f"{SAMR}:R4": {**common, K.record_id: "R4", K.line: 5,
                       K.relation_type: R.EXECUTIVE_OF, K.roles: ["manager"],
                       K.start_date: "2022-01-01"},
        f"{SAMR}:R5": {**common, K.record_id: "R5", K.line: 6,
                       K.relation_type: R.SHAREHOLDER_OF, K.share_ratio: 0.6},
        # yields no relationship: kept, with the reason instead of a type
        f"{SAMR}:R6": {**common, K.record_id: "R6", K.line: 7, K.share_ratio: 0.1,
                       K.reason: "to_id does not resolve to an entity"},
    }
    # relation rows are not entity records: the SourceRecords are the four entity rows
    (records,) = driver.execute_query(f"MATCH (r:{L.SourceRecord}) RETURN count(r)",
                                      database_=database).records[0]
    assert records == 4
    (stamp,) = driver.execute_query(
        f"MATCH (r:{L.RelationRecord} {{{K.record_key}: $key}}) RETURN r.{K.batch}",
        key=f"{SAMR}:R1", database_=database).records[0]
    assert stamp == summary.batch
    # a second load that restates R1 unchanged and R5 changed re-stamps only R5
    again = [RELATION_ROWS[0], ("R5", "股东", ZHANG, YUELU, "70%", None)]
    second = write_graph(driver, database, *load(again), batch_id="second", progress=False)
    stamps = dict(driver.execute_query(
        f"MATCH (r:{L.RelationRecord}) WHERE r.{K.record_id} IN ['R1', 'R5'] "
        f"RETURN r.{K.record_id}, r.{K.batch}", database_=database).records)
    assert stamps == {"R1": summary.batch, "R5": second.batch}


def test_a_record_id_reused_in_two_tables_names_the_right_record(graph_db):
    # the department numbers its relation rows as it numbers its companies: relation row
    # "100" (李四 holds 岳麓) shares its key with the company record "100" (星辰)
    driver, database = graph_db
    write_graph(driver, database, *load([("100", "股东", LI, YUELU, "5%", None)]),
                progress=False)
    found = interests(driver, database)
    assert found["P2|SHAREHOLDER_OF|O2"]["derived"] == [rel("100")]
    assert found["P1|LEGAL_REPRESENTATIVE_OF|O1"]["derived"] == [
        (L.SourceRecord, f"{SAMR}:100")]


def test_beneficial_owners_walk_interests_of_one_type(graph_db):
    driver, database = graph_db
    write_graph(driver, database, *load(), progress=False)

    def owners(**params):
        result = run_query(driver, database, "beneficial-owners", {"entity_id": "O2", **params})
        return [tuple(row) for row in result.rows]

    # 张三 holds 60% directly; 李四 35% of 星辰, which holds 25%-50% of 岳麓: at least 8.75%
    assert owners(threshold=0.05) == [("P1", "张三", 0.6, 1, 1), ("P2", "李四", 0.0875, 1, 2)]
    assert owners() == [("P1", "张三", 0.6, 1, 1)]
    assert owners(threshold=0.05, interest_type="votingRights") == []


def test_an_export_carries_the_interests_between_its_entities(graph_db, tmp_path):
    driver, database = graph_db
    write_graph(driver, database, *load(), progress=False)
    graph = subgraph_by_entity(driver, database, "O1", hops=1)
    # every interest between two entities of the subgraph (P1 and O2 are both one hop away)
    assert sorted(n for n in graph if "|" in n) == [
        "O1|SHAREHOLDER_OF|O2", "P1|LEGAL_REPRESENTATIVE_OF|O1", "P1|SHAREHOLDER_OF|O2",
        "P2|EXECUTIVE_OF|O1", "P2|SHAREHOLDER_OF|O1"]

    from rdflib import RDF, XSD, Graph, Literal, URIRef

    (path,) = export_graph(graph, "turtle", tmp_path / "o1.ttl")
    g = Graph().parse(path, format="turtle")
    kg = lambda name: URIRef(KG + name)  # noqa: E731
    share = URIRef(ID + "interest/P2%7CSHAREHOLDER_OF%7CO1")
    assert (share, RDF.type, kg("Shareholding")) in g
    assert (URIRef(ID + "entity/P2"), kg("holdsInterest"), share) in g
    assert (share, kg("interestIn"), URIRef(ID + "entity/O1")) in g
    assert (share, kg("shareRatio"), Literal(0.35, datatype=XSD.double)) in g
    assert (share, kg("interestType"), Literal("shareholding")) in g
    role = URIRef(ID + "interest/P1%7CLEGAL_REPRESENTATIVE_OF%7CO1")
    assert (role, RDF.type, kg("Role")) in g
    assert set(g.objects(role, kg("roles"))) == {Literal("legal_representative")}
    samr = "%E5%B8%82%E5%9C%BA%E7%9B%91%E7%AE%A1%E5%B1%80%3A"  # 市场监管局: as an IRI
    assert set(g.objects(role, kg("derivedFrom"))) == {URIRef(ID + "record/" + samr + "100")}
    # an interest stated by a relation row derives from that row's record, in the export
    stated = URIRef(ID + "relation-record/" + samr + "R1")
    assert set(g.objects(share, kg("derivedFrom"))) == {stated}
    assert (stated, RDF.type, kg("RelationRecord")) in g
    assert (stated, kg("relationType"), Literal("SHAREHOLDER_OF")) in g
    assert (stated, kg("fromDepartment"), None) in g


@pytest.mark.parametrize("rel_type, label", [("SHAREHOLDER_OF", "Shareholding"),
                                             ("EXECUTIVE_OF", "Role"),
                                             ("LEGAL_REPRESENTATIVE_OF", "Role")])
def test_the_ontology_says_which_relationships_are_interests(rel_type, label):
    assert interest_kinds()[rel_type].label == label
    assert set(interest_kinds()) == {"SHAREHOLDER_OF", "EXECUTIVE_OF",
                                     "LEGAL_REPRESENTATIVE_OF"}


def test_the_export_conforms_and_a_broken_interest_is_caught(graph_db, tmp_path):
    from rdflib import Graph, Literal, URIRef

    from ontology.validation import validate

    driver, database = graph_db
    write_graph(driver, database, *load(), progress=False)
    graph = subgraph_by_entity(driver, database, "O1", hops=1)
    (path,) = export_graph(graph, "turtle", tmp_path / "o1.ttl")
    g = Graph().parse(path, format="turtle")
    assert validate(g).messages == []
    assert validate(g, rdfs_inference=True).messages == []

    share = URIRef(ID + "interest/O1%7CSHAREHOLDER_OF%7CO2")
    role = URIRef(ID + "interest/P2%7CEXECUTIVE_OF%7CO1")
    g.set((share, URIRef(KG + "shareMin"), Literal(0.75)))  # above its maximum, 0.5
    g.add((role, URIRef(KG + "roles"), Literal("chairman")))
    assert validate(g).messages == [
        "Violation: interest:O1|SHAREHOLDER_OF|O2 kg:shareMin: the least share is one "
        "number between 0 and 1, not above the greatest (value '0.75')",
        "Violation: interest:P2|EXECUTIVE_OF|O1 kg:roles: a role names at least one post "
        "of kgc:Role (legal_representative, director, supervisor, manager, executive) "
        "(value 'chairman')"]
