"""Identifier rows of one load: every ID number, credit code and registration number its
records carry becomes one Identifier node per (scheme, notation), linked from the records
that carry it and from their entities.

Keys never contain the number: ``identifier_key`` is the scheme, a dot and the base32
SHA-256 digest of the notation (``id_number.JBSWY3DP...``), so neither the key nor the IRI
made from it (``kglink.ttl``) shows it. A masked number (with ``ontology.pii.MASK``) is no
identifier and is left out. Issuers are derived from the number: an ID number's and a
registration number's first six digits, a credit code's characters 3-8 (GB/T 2260
division) and first character (GB 32100 registration authority).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import pandas as pd

from ontology.pii import MASK
from ontology.schema import identifier_schemes as schemes
from ontology.schema import props, registration_authorities

# scheme -> the record column holding its validity flag (the loaders' checksum verdict)
VALID_COLUMN = {schemes.id_number: props.id_valid,
                schemes.credit_code: props.credit_code_valid}
# scheme -> the 0-based slice of the number that is its issuing division's code
DIVISION_SLICE = {schemes.id_number: slice(0, 6), schemes.credit_code: slice(2, 8),
                  schemes.reg_number: slice(0, 6)}
NODE_COLUMNS = [props.identifier_key, props.scheme, props.notation, props.valid, props.issuer,
                props.issuer_authority]
DIGEST_BYTES = 20  # 160 bits of the SHA-256, 32 base32 characters


@dataclass(frozen=True)
class IdentifierRows:
    """``nodes``: one row per identifier (``NODE_COLUMNS``); ``records``: record_key,
    identifier_key per record that carries one; ``entities``: entity_type, entity_id,
    identifier_key, the same links lifted to the records' entities."""

    nodes: pd.DataFrame
    records: pd.DataFrame
    entities: pd.DataFrame


def identifier_key(scheme: str, notation: str) -> str:
    """The key of the identifier ``notation`` of ``scheme`` (module docstring)."""
    digest = hashlib.sha256(notation.encode("utf-8")).digest()[:DIGEST_BYTES]
    return f"{scheme}.{base64.b32encode(digest).decode('ascii')}"


def identifier_rows(records: dict[str, pd.DataFrame]) -> IdentifierRows:
    """The identifiers carried by ``records`` (kind -> record rows of ``plan_graph``)."""
    parts = [_carried(frame, scheme) for frame in records.values() for scheme in schemes
             if scheme in frame.columns]
    carried = (pd.concat(parts, ignore_index=True) if parts
               else pd.DataFrame(columns=["record_key", "entity_type", "entity_id",
                                          props.scheme, props.notation, props.valid]))
    keys = carried[[props.scheme, props.notation]].drop_duplicates()
    keys[props.identifier_key] = [identifier_key(s, n) for s, n in
                                  zip(keys[props.scheme], keys[props.notation], strict=True)]
    carried = carried.merge(keys, on=[props.scheme, props.notation], how="left")
    nodes = _nodes(carried)
    links = carried[["record_key", "entity_type", "entity_id", props.identifier_key]]
    return IdentifierRows(
        nodes=nodes,
        records=links[["record_key", props.identifier_key]].drop_duplicates()
        .sort_values(["record_key", props.identifier_key], ignore_index=True),
        entities=links[["entity_type", "entity_id", props.identifier_key]].drop_duplicates()
        .sort_values(["entity_type", "entity_id", props.identifier_key], ignore_index=True))


def _carried(frame: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """One row per record of ``frame`` carrying an unmasked number of ``scheme``."""
    notation = frame[scheme].astype("string").str.strip()
    keep = notation.notna() & (notation != "") & ~notation.str.contains(MASK, regex=False)
    column = VALID_COLUMN.get(scheme)
    valid = (frame[column].astype("boolean") if column in frame.columns
             else pd.Series(pd.NA, index=frame.index, dtype="boolean"))
    return pd.DataFrame({"record_key": frame["record_key"], "entity_type": frame["entity_type"],
                         "entity_id": frame["entity_id"], props.scheme: scheme,
                         props.notation: notation, props.valid: valid})[keep.fillna(False)]


def _nodes(carried: pd.DataFrame) -> pd.DataFrame:
    """One row per identifier key. Its validity is the loaders' verdict on the number, the
    same for every record carrying it; should records disagree, false wins (a flagged
    number is never presented as checked)."""
    by_key = carried.groupby(props.identifier_key, sort=True)[props.valid]
    failed = carried[props.valid].eq(False).fillna(False).groupby(
        carried[props.identifier_key], sort=True).any()
    valid = (~failed).astype("boolean").where(by_key.count() > 0)
    nodes = (carried.drop_duplicates(props.identifier_key)
             .set_index(props.identifier_key).loc[valid.index]
             [[props.scheme, props.notation]].reset_index())
    nodes[props.valid] = valid.to_numpy()
    nodes[props.issuer] = _issuer_divisions(nodes)
    nodes[props.issuer_authority] = _authorities(nodes)
    return nodes[NODE_COLUMNS]


def _issuer_divisions(nodes: pd.DataFrame) -> pd.Series:
    """The GB/T 2260 code each number names as its issuer, where that part is six digits."""
    out = pd.Series(pd.NA, index=nodes.index, dtype="string")
    for scheme, part in DIVISION_SLICE.items():
        mine = nodes[props.scheme] == scheme
        codes = nodes.loc[mine, props.notation].astype("string").str[part]
        out[mine] = codes.where(codes.str.fullmatch(r"[0-9]{6}").fillna(False))
    return out


def _authorities(nodes: pd.DataFrame) -> pd.Series:
    """A credit code's registration authority (its first character, when the code list of
    kgc:RegistrationAuthority has it); none for other schemes."""
    first = nodes[props.notation].astype("string").str[0]
    known = (nodes[props.scheme] == schemes.credit_code) & first.isin(list(registration_authorities))
    return first.where(known).astype("string")

