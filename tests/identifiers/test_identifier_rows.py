"""Identifier rows from a load plan (no database): one node per (scheme, notation) whose key
holds no number, issuers derived from the number, masked numbers left out, and the code
lists the shapes name agree with the ontology's."""

from __future__ import annotations

import re

from identifier_case import CREDIT, ID_A, ID_B, ID_BAD, REG, identifier_case
from rdflib import Graph, Namespace

from graph.store.identifier_rows import identifier_key, identifier_rows
from graph.store.plan import plan_graph
from ontology.schema import code_list
from ontology.validation import SHAPES_FILE

SH = Namespace("http://www.w3.org/ns/shacl#")
KG = Namespace("https://w3id.org/kglink/ontology#")


def _rows():
    return identifier_rows(plan_graph(*identifier_case()).records)


def test_one_node_per_number_with_derived_issuers():
    nodes = _rows().nodes.set_index("notation")
    assert sorted(nodes.index) == sorted([ID_A, ID_B, ID_BAD, CREDIT, REG])
    assert nodes.loc[ID_A, ["scheme", "valid", "issuer"]].tolist() == ["id_number", True, "110101"]
    assert nodes.loc[ID_BAD, ["valid", "issuer"]].tolist() == [False, "430103"]
    assert nodes.loc[CREDIT, ["scheme", "valid", "issuer", "issuer_authority"]].tolist() == [
        "credit_code", True, "430100", "9"]
    assert nodes.loc[REG, ["scheme", "issuer"]].tolist() == ["reg_number", "430100"]
    assert nodes.loc[REG, "valid"] is not True and nodes["valid"].isna().sum() == 1
    assert nodes["issuer_authority"].notna().sum() == 1


def test_keys_are_scheme_and_digest_never_the_number():
    nodes = _rows().nodes
    for scheme, notation, key in nodes[["scheme", "notation", "identifier_key"]].itertuples(
            index=False):
        assert key == identifier_key(scheme, notation)
        assert re.fullmatch(rf"{scheme}\.[A-Z2-7]{{32}}", key)
    assert identifier_key("id_number", ID_A) != identifier_key("reg_number", ID_A)


def test_links_from_records_and_entities_leave_out_the_masked_number():
    rows = _rows()
    assert len(rows.records) == 7
    assert "公安厅户籍:3" not in set(rows.records["record_key"])
    by_entity = rows.entities.groupby("entity_id")["identifier_key"].agg(len).to_dict()
    assert by_entity == {"O1": 2, "P1": 2, "P2": 1}


def _shape_list(path) -> list[str]:
    shapes = Graph().parse(SHAPES_FILE)
    prop = next(p for p in shapes.subjects(SH.path, path) if shapes.value(p, SH["in"]))
    return [str(v) for v in shapes.items(shapes.value(prop, SH["in"]))]


def test_the_shapes_lists_are_the_ontology_code_lists():
    assert _shape_list(KG.identifierScheme) == list(code_list("IdentifierScheme"))
    assert _shape_list(KG.issuerAuthority) == list(code_list("RegistrationAuthority"))
