"""What the store computes before touching Neo4j: best values, all values, REFERS_TO
scores, relation endpoints and the rows that cannot become relations."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from graphstore_frames import CIVIL, HRSS, PSB, small_case

from graph.store.entity_values import department_ranks, entity_values
from graph.store.plan import plan_graph
from graph.store.relation_rows import build_resolver, relation_rows
from ontology.schema import rels


def test_best_value_is_most_frequent_valid_then_department_priority():
    records = pd.DataFrame({
        "entity_id": ["E"] * 5,
        "department": ["B", "A", "C", "C", "A"],
        "name": ["乙", "甲", "丙", "丙", "甲"],          # 甲 x2 and 丙 x2: A outranks C
        "phone": ["2", "1", None, "", "3"],           # all once: A's smallest ("1")
        "id_number": ["X2", "X1", "X1", "X1", "X2"],  # X1 three times but invalid
        "id_valid": [True, False, False, False, True],
    })
    ranks = department_ranks(records["department"], ["A", "B"])
    values = entity_values(records, "person", ranks).set_index("entity_id").loc["E"]
    assert values["name"] == "甲"
    assert values["phone"] == "1"
    assert values["id_number"] == "X2"
    assert values["names"] == ["丙", "乙", "甲"]
    assert values["phones"] == ["1", "2", "3"]
    assert values["id_numbers"] == ["X1", "X2"]


def test_priority_changes_the_tie_break():
    records = pd.DataFrame({"entity_id": ["E", "E"], "department": ["A", "B"],
                            "name": ["甲", "乙"]})
    first = entity_values(records, "person", department_ranks(records["department"], ["B"]))
    assert first.loc[0, "name"] == "乙"


def test_plan_counts_and_refers_to_scores():
    ingested, linked = small_case()
    plan = plan_graph(ingested, linked)
    assert {k: len(v) for k, v in plan.records.items()} == {"person": 5, "organization": 2}
    assert {k: len(v) for k, v in plan.entities.items()} == {"person": 3, "organization": 1}
    people = plan.records["person"].set_index("record_key")
    assert people.loc[f"{HRSS}:8", "score"] == 0.91
    assert json.loads(people.loc[f"{PSB}:3", "evidence"]) == {"rule": "singleton"}
    assert people.loc[f"{PSB}:3", "score"] == 1.0


def test_relations_resolve_by_id_number_credit_code_and_record_key():
    ingested, linked = small_case()
    plan = plan_graph(ingested, linked)
    edges = {(r.type, r.from_id, r.to_id) for r in plan.relations.itertuples()}
    assert edges == {
        (rels.SHAREHOLDER_OF, "P2", "O1"),            # id_number -> credit_code
        (rels.SPOUSE_OF, "P1", "P2"),                 # record keys, symmetric: smaller id first
        (rels.PARENT_OF, "P1", "P3"),                 # "child" record reversed
        (rels.LEGAL_REPRESENTATIVE_OF, "P1", "O1"),   # from the organisation's legal_rep_id
    }
    share = plan.relations[plan.relations["type"] == rels.SHAREHOLDER_OF].iloc[0]
    assert share["share_ratio"] == 0.35
    assert plan.unresolved[["record_key", "reason"]].to_dict("records") == [
        {"record_key": f"{CIVIL}:R3", "reason": "from_id does not resolve to an entity"}]


def test_unknown_types_and_kind_mismatches_are_reported_not_dropped():
    ingested, linked = small_case()
    extra = pd.DataFrame([
        (CIVIL, "c.csv", "X1", 9, "godparent", f"{PSB}:1", f"{PSB}:2", None, None, None),
        (CIVIL, "c.csv", "X2", 10, "spouse", f"{PSB}:1", "91430100MA4L000001", None, None,
         None),
        (CIVIL, "c.csv", "X3", 11, "spouse", f"{PSB}:1", f"{HRSS}:7", None, None, None),
    ], columns=ingested.relations.columns)
    plan = plan_graph(type(ingested)(ingested.persons, ingested.organizations,
                                     pd.concat([ingested.relations.astype(object),
                                               extra.astype(object)])), linked)
    reasons = plan.unresolved.set_index("record_key")["reason"].to_dict()
    assert reasons[f"{CIVIL}:X1"] == "unknown relation type"
    assert reasons[f"{CIVIL}:X2"] == "endpoint kinds do not fit the relationship type"
    assert reasons[f"{CIVIL}:X3"] == "both endpoints are the same entity"
    total_in = len(ingested.relations) + len(extra) + 1   # + the legal representative field
    assert len(plan.unresolved) + sum(len(k) for k in plan.relations["record_keys"]) == total_in


def test_records_missing_from_clusters_are_an_error():
    ingested, linked = small_case()
    linked.clusters = linked.clusters.iloc[1:]
    with pytest.raises(ValueError, match=f"{PSB}:1"):
        plan_graph(ingested, linked)


def test_resolver_prefers_the_entity_holding_most_records():
    persons = pd.DataFrame({"department": ["A", "A", "B"], "record_id": ["1", "2", "3"],
                            "id_number": ["X", "X", "x"]})
    entity_of = pd.Series({"A:1": "E1", "A:2": "E2", "B:3": "E2"})
    resolver = build_resolver(persons, None, entity_of, pd.Series({"E1": "person",
                                                                   "E2": "person"}))
    assert resolver.resolve(pd.Series([" x ", "A:1", "nope"])).tolist()[:2] == ["E2", "E1"]
    assert pd.isna(resolver.resolve(pd.Series(["nope"])).iloc[0])
    assert relation_rows(None, None, resolver).edges.empty


def test_every_ingested_field_is_a_declared_property_key():
    from graph.store.fields import ingested_fields, record_fields

    for kind in ("person", "organization"):
        assert record_fields(kind) == ingested_fields(kind), (
            "declare the missing keys in ontology/kglink.ttl: "
            f"{set(ingested_fields(kind)) - set(record_fields(kind))}")
