"""graph.cypher_names.quote: declared names come back backtick-quoted, others are refused."""

from __future__ import annotations

import pytest

from graph.cypher_names import quote
from ontology.schema import labels, props, rels


def test_declared_names_are_backtick_quoted():
    assert quote(labels.NaturalPerson) == "`NaturalPerson`"
    assert quote(rels.REFERS_TO) == "`REFERS_TO`"
    assert quote(props.entity_id) == "`entity_id`"


@pytest.mark.parametrize("name", ["Person`) DETACH DELETE (n", "NotInTheOntology", ""])
def test_undeclared_names_are_refused(name):
    with pytest.raises(ValueError, match="the ontology declares no"):
        quote(name)
