"""Which properties the graph store writes on each kind of node, by entity kind.

Every key here is checked against the ontology on first use (``props``), so a key the
ontology does not declare fails loudly instead of writing a stray property.
"""

from __future__ import annotations

from functools import cache

from loaders.fields import (
    ORGANIZATION_DERIVED,
    ORGANIZATION_FIELDS,
    PERSON_DERIVED,
    PERSON_FIELDS,
)
from ontology.schema import entity_kinds, labels, props

ENTITY_URI_BASE = "https://w3id.org/kglink/id/entity/"

KINDS = tuple(entity_kinds)  # person, organization (ontology kgc:EntityKind)

# Best-value properties on entity nodes (one value chosen per entity).
BEST_FIELDS = {
    "person": ("name", "id_number", "birth_date", "sex", "phone", "address", "region_code"),
    "organization": ("name", "credit_code", "address", "phone", "industry", "reg_capital",
                     "established_date", "status", "region_code"),
}
# All values seen, as list properties on entity nodes: source field -> list property.
LIST_FIELDS = {
    "person": {"name": "names", "phone": "phones", "address": "addresses",
               "id_number": "id_numbers"},
    "organization": {"name": "names", "phone": "phones", "address": "addresses",
                     "credit_code": "credit_codes"},
}
# Fields whose value counts as valid only when this flag column is true.
VALIDITY_FLAG = {"id_number": "id_valid", "credit_code": "credit_code_valid"}


def best_value_flags(kind: str) -> dict[str, str]:
    """Best-value field -> its validity flag, for this kind's fields that have one: the
    entity carries the flag of its chosen value, as a record carries its own, so an entity
    whose only ID number fails its checksum says so (kg:idValid false)."""
    return {f: VALIDITY_FLAG[f] for f in BEST_FIELDS[kind] if f in VALIDITY_FLAG}


@cache
def entity_label(kind: str) -> str:
    """The Neo4j label for an entity kind (person|organization)."""
    return {entity_kinds.person: labels.NaturalPerson,
            entity_kinds.organization: labels.LegalPerson}[kind]


def ingested_fields(kind: str) -> tuple[str, ...]:
    """The canonical and derived fields of an ingested frame of this kind."""
    return {"person": PERSON_FIELDS + PERSON_DERIVED,
            "organization": ORGANIZATION_FIELDS + ORGANIZATION_DERIVED}[kind]


@cache
def record_fields(kind: str) -> tuple[str, ...]:
    """Standardised fields copied onto a SourceRecord of this kind: those the ontology
    declares (tests/graph check that every ingested field is declared)."""
    return tuple(f for f in ingested_fields(kind) if f in props)


@cache
def entity_fields(kind: str) -> tuple[str, ...]:
    """Every property an entity node of this kind may carry besides entity_id and uri:
    best values, their validity flags (id_valid, ...) and all-values lists."""
    keys = (list(BEST_FIELDS[kind]) + list(best_value_flags(kind).values())
            + list(LIST_FIELDS[kind].values()))
    return tuple(getattr(props, k) for k in keys)


def entity_uri(entity_id: str) -> str:
    """The stable URI of an entity (the ontology's id scheme)."""
    return ENTITY_URI_BASE + entity_id
