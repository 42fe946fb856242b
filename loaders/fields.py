"""The canonical fields a source column may map to, per entity kind (the SOURCES.yaml contract).

Every ingested frame also carries the provenance columns, and the standardisers add
derived columns (validity flags, normalised keys) listed here so that linking and the
graph store can rely on their names.
"""

from __future__ import annotations

from ontology.schema import record_kinds

ENTITY_KINDS = tuple(record_kinds)  # person, organization, relation (ontology kgc:RecordKind)

PERSON_FIELDS = (
    "name", "given_name", "family_name", "former_name", "id_number", "birth_date", "sex",
    "phone", "email", "address", "postcode", "city", "province", "birth_place", "occupation",
    "ethnicity", "nationality",
)
ORGANIZATION_FIELDS = (
    "name", "credit_code", "reg_number", "legal_rep_name", "legal_rep_id", "address", "phone",
    "email", "established_date", "industry", "status", "reg_capital",
)
RELATION_FIELDS = ("type", "from_id", "to_id", "share_ratio", "start_date", "end_date")

FIELDS = {"person": PERSON_FIELDS, "organization": ORGANIZATION_FIELDS,
          "relation": RELATION_FIELDS}

# Present on every ingested row: where it came from.
PROVENANCE = ("department", "source", "record_id", "line")

# Added by standardisation (present whether or not the source had the field; null when unknown).
PERSON_DERIVED = (
    "id_valid",        # bool: id_number passes the GB 11643 checksum
    "name_norm",       # str: NFKC, simplified, no spaces/punctuation for Chinese; lower-case Western
    "name_pinyin",     # str: toneless pinyin syllables joined by spaces (Chinese) / name_norm (Western)
    "name_script",     # "han" | "latin" | None
    "region_code",     # str: 6-digit GB/T 2260 code from the address (else from the ID number)
    "id_region_code",  # str: 6-digit region code embedded in the ID number
    "flags",           # str: ';'-joined data-quality flags of the row (see loaders/standardise/frames.py)
)
ORGANIZATION_DERIVED = (
    "credit_code_valid",  # bool: credit_code passes the GB 32100 checksum
    "name_norm",          # full normalised name
    "name_core",          # core name: region prefixes, industry words and legal-form suffix removed
    "name_pinyin",        # pinyin of name_core
    "legal_form",         # e.g. 有限责任公司
    "region_code",        # 6-digit division code from address or credit code
    "name_region",        # region words found in the name (湖南长沙, 长沙), joined
    "flags",              # ';'-joined data-quality flags of the row
)
RELATION_DERIVED = (
    "type_raw",  # the type as written before mapping to the canonical term
    "role",      # kgc:Role of a legal-representative or executive row (董事 -> director)
    "share_min", "share_max",  # float: a share given as a range (25%-50%), else null
    "flags",     # ';'-joined data-quality flags of the row
)
DERIVED = {"person": PERSON_DERIVED, "organization": ORGANIZATION_DERIVED,
           "relation": RELATION_DERIVED}


def output_columns(entity: str) -> tuple[str, ...]:
    """The columns of an ingested frame of this entity kind, in order."""
    return PROVENANCE + FIELDS[entity] + DERIVED[entity]
