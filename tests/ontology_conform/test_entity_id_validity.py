"""An entity carries the validity flag of its chosen ID number (kg:idValid), as its records
do: a person whose only ID number fails the GB 11643 check digit is exported flagged and
conforms; the same person unflagged is caught by SHACL."""

from __future__ import annotations

import pandas as pd
from conform_graph import (
    GOOD,
    ONLY_BAD,
    P3_BAD,
    P3_GOOD,
    conform_case,
    export_graph,
    write_conform_case,
)
from rdflib import Literal, URIRef

from graph.store.entity_values import department_ranks, entity_values
from graph.store.fields import entity_fields
from ontology.validation import validate

KG = "https://w3id.org/kglink/ontology#"
ENTITY = "https://w3id.org/kglink/id/entity/"
ID_VALID, ID_NUMBER = URIRef(KG + "idValid"), URIRef(KG + "idNumber")
CHECKSUM_EN = ("the ID number fails its GB 11643 check digit (and is not flagged "
               "kg:idValid or kg:identifierValid false)")
CHECKSUM_ZH = "公民身份号码校验码错误（且未标记 kg:idValid 或 kg:identifierValid false）"


def test_best_value_carries_its_flag():
    persons = conform_case()[0].persons.assign(
        entity_id=lambda f: "P" + f["record_id"])
    values = entity_values(persons, "person", department_ranks(persons["department"]))
    got = values.set_index("entity_id")[["id_number", "id_valid", "id_numbers"]]
    assert got.to_dict("index") == {
        "P1": {"id_number": GOOD, "id_valid": True, "id_numbers": [GOOD]},
        "P2": {"id_number": ONLY_BAD, "id_valid": False, "id_numbers": [ONLY_BAD]},
        "P3": {"id_number": P3_GOOD, "id_valid": True,
               "id_numbers": sorted([P3_BAD, P3_GOOD])}}
    assert "id_valid" in entity_fields("person")
    assert "credit_code_valid" in entity_fields("organization")


def test_no_flag_without_the_loaders_flag_column():
    records = pd.DataFrame({"entity_id": ["E"], "department": ["A"], "id_number": [ONLY_BAD]})
    values = entity_values(records, "person", department_ranks(records["department"]))
    assert "id_valid" not in values.columns


def test_exported_entities_carry_the_flag_and_conform(graph_db):
    driver, database = graph_db
    write_conform_case(driver, database)
    g = export_graph(driver, database)
    flags = {str(s).removeprefix(ENTITY): o.toPython() for s, o in g.subject_objects(ID_VALID)
             if str(s).startswith(ENTITY)}
    assert flags == {"P1": True, "P2": False, "P3": True}
    assert g.value(URIRef(ENTITY + "O1"), URIRef(KG + "creditCodeValid")) == Literal(True)
    report = validate(g)
    assert report.conforms, report.messages
    assert report.messages == []


def test_an_unflagged_invalid_entity_number_is_caught(graph_db):
    driver, database = graph_db
    write_conform_case(driver, database)
    g = export_graph(driver, database)
    g.remove((URIRef(ENTITY + "P2"), ID_VALID, None))
    report = validate(g)
    assert not report.conforms
    assert report.messages == [
        f"Violation: entity:P2 kg:idNumber: {CHECKSUM_EN} (value '{ONLY_BAD}')"]
    assert validate(g, lang="zh").messages == [
        f"Violation: entity:P2 kg:idNumber: {CHECKSUM_ZH} (value '{ONLY_BAD}')"]
