"""The party relationship types come from the ontology's domains and ranges, in one place."""

from __future__ import annotations

from ontology.schema import party_relationships, rels


def test_party_relationships_are_the_seven_between_persons_and_companies():
    # REFERS_TO (from SourceRecord), FROM_DEPARTMENT (to Department), LOCATED_IN (to a
    # division), MENTIONS (from Document), IDENTIFIED_BY (to an Identifier), ISSUED_IN (from
    # an Identifier), SUBCLASS_OF (between ontology classes) and the interests' HOLDS_INTEREST,
    # INTEREST_IN and DERIVED_FROM (to and from interest nodes) are not
    assert party_relationships() == ("EMPLOYED_BY", "EXECUTIVE_OF", "LEGAL_REPRESENTATIVE_OF",
                                     "PARENT_OF", "RELATIVE_OF", "SHAREHOLDER_OF", "SPOUSE_OF")
    assert set(rels) - set(party_relationships()) == {
        "DERIVED_FROM", "FROM_DEPARTMENT", "HOLDS_INTEREST", "IDENTIFIED_BY", "INTEREST_IN",
        "ISSUED_IN", "LOCATED_IN", "MENTIONS", "REFERS_TO", "SUBCLASS_OF"}


def test_query_library_defaults_to_the_party_relationships():
    from queries.library import get_query

    _, values = get_query("ego-network").bind({"entity_id": "P-0001"})
    assert values["types"] == list(party_relationships())
