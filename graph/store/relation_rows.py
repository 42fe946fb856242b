"""Relationships between entities, from relation records and organisations' legal
representatives, with endpoints resolved to entity ids.

An endpoint is a record key ``DEPT:RECORD_ID`` (-> that record's entity), an ID number
(-> the person entity holding it) or a credit code (-> the organisation holding it). Rows
whose type is unknown, whose endpoints do not resolve, or whose endpoint kinds do not fit
the relationship are returned as ``unresolved`` with a reason: counted, never dropped
silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.store.record_rows import content_hash, record_keys
from ontology.schema import entity_kinds, rels, roles
from ontology.schema import relation_types as rt


@dataclass(frozen=True)
class RelationKind:
    """A relationship type, the entity kinds at its ends, and how to orient it."""

    type: str
    from_kinds: tuple[str, ...]
    to_kind: str
    reverse: bool = False    # the record names (child, parent): store parent -> child
    symmetric: bool = False  # store once, smaller entity id first


PERSON, ORG = entity_kinds.person, entity_kinds.organization
ARROW_STRING = "string[pyarrow]"  # its .str methods run in Arrow, ~6x the python storage


def relation_kinds() -> dict[str, RelationKind]:
    """Canonical relation types (and the usual Chinese terms) -> relationship kinds."""
    legal = RelationKind(rels.LEGAL_REPRESENTATIVE_OF, (PERSON,), ORG)
    share = RelationKind(rels.SHAREHOLDER_OF, (PERSON, ORG), ORG)
    execu = RelationKind(rels.EXECUTIVE_OF, (PERSON,), ORG)
    employ = RelationKind(rels.EMPLOYED_BY, (PERSON,), ORG)
    spouse = RelationKind(rels.SPOUSE_OF, (PERSON,), PERSON, symmetric=True)
    parent = RelationKind(rels.PARENT_OF, (PERSON,), PERSON)
    child = RelationKind(rels.PARENT_OF, (PERSON,), PERSON, reverse=True)
    relative = RelationKind(rels.RELATIVE_OF, (PERSON,), PERSON, symmetric=True)
    table = {
        rt.legal_representative: legal, "法定代表人": legal,
        rt.shareholder: share, "股东": share,
        rt.executive: execu, "director": execu, "supervisor": execu, "manager": execu,
        "董事": execu, "监事": execu, "经理": execu, "高管": execu,
        rt.employee: employ, "员工": employ, "职工": employ,
        rt.spouse: spouse, "配偶": spouse,
        rt.parent: parent, "父母": parent, "父亲": parent, "母亲": parent,
        "child": child, "子女": child,
        rt.relative: relative, "亲属": relative,
    }
    return table


def _kind_table() -> pd.DataFrame:
    """relation_kinds() as a frame indexed by term, for vectorised lookups."""
    return pd.DataFrame.from_dict(
        {term: {"type": k.type, "from_person": PERSON in k.from_kinds,
                "from_org": ORG in k.from_kinds, "to_kind": k.to_kind, "reverse": k.reverse,
                "symmetric": k.symmetric} for term, k in relation_kinds().items()},
        orient="index")


def _owner_map(keys: pd.Series, entity_ids: pd.Series) -> pd.Series:
    """identifier -> entity holding it (most records first, then the smaller id)."""
    frame = pd.DataFrame({"k": keys.astype(ARROW_STRING).str.strip().str.upper(),
                          "e": entity_ids.to_numpy()}).dropna()
    frame = frame[frame["k"] != ""]
    counts = frame.value_counts(["k", "e"]).reset_index(name="n")
    counts = counts.sort_values(["k", "n", "e"], ascending=[True, False, True])
    return counts.drop_duplicates("k").set_index("k")["e"]


@dataclass
class Resolver:
    """Maps an endpoint string to (entity_id, kind)."""

    by_record: pd.Series   # record_key -> entity_id
    kind_of: pd.Series     # entity_id -> kind
    by_id_number: pd.Series
    by_credit_code: pd.Series

    def resolve(self, endpoints: pd.Series) -> pd.Series:
        """Entity id per endpoint, NA when it does not resolve."""
        raw = endpoints.astype(ARROW_STRING).str.strip()
        upper = raw.str.upper()
        found = raw.map(self.by_record).astype(object)
        found = found.where(found.notna(), upper.map(self.by_id_number).astype(object))
        return found.where(found.notna(), upper.map(self.by_credit_code).astype(object))


def build_resolver(persons: pd.DataFrame, organizations: pd.DataFrame,
                   entity_of: pd.Series, kind_of: pd.Series) -> Resolver:
    """A resolver over the records of this load (record keys and identifiers)."""
    def ids(frame: pd.DataFrame, column: str) -> pd.Series:
        if frame is None or frame.empty or column not in frame.columns:
            return pd.Series(dtype=object)
        keys = record_keys(frame["department"], frame["record_id"])
        return _owner_map(frame[column], keys.map(entity_of))

    return Resolver(by_record=entity_of, kind_of=kind_of,
                    by_id_number=ids(persons, "id_number"),
                    by_credit_code=ids(organizations, "credit_code"))


def _legal_rep_records(organizations: pd.DataFrame) -> pd.DataFrame:
    """Relation-shaped rows from organisations' legal_rep_id / legal_rep_name fields."""
    if organizations is None or organizations.empty:
        return pd.DataFrame()
    rep_id = (organizations["legal_rep_id"].astype(ARROW_STRING).str.strip()
              if "legal_rep_id" in organizations.columns
              else pd.Series(pd.NA, index=organizations.index, dtype="string"))
    rep_name = (organizations["legal_rep_name"].astype(ARROW_STRING).str.strip()
                if "legal_rep_name" in organizations.columns
                else pd.Series(pd.NA, index=organizations.index, dtype="string"))
    has = (rep_id.notna() & (rep_id != "")) | (rep_name.notna() & (rep_name != ""))
    orgs = organizations[has]
    keys = record_keys(orgs["department"], orgs["record_id"])
    return pd.DataFrame({
        "department": orgs["department"].astype(str).to_numpy(),
        "record_key": keys.to_numpy(),
        "type": rt.legal_representative,
        "from_id": rep_id[has].replace("", pd.NA).to_numpy(),
        "to_id": keys.to_numpy(),
        "share_ratio": np.nan, "start_date": None, "end_date": None,
        "role": roles.legal_representative,
    })


RECORD_COLUMNS = ["record_key", "department", "record_id", "source", "line",
                  "relation_type", "share_ratio", "share_min", "share_max", "start_date",
                  "end_date", "roles", "flags", "reason"]


@dataclass
class RelationRows:
    edges: pd.DataFrame       # type, from_label_kind, to_kind, from_id, to_id, props
    unresolved: pd.DataFrame  # record_key, type, from_id, to_id, reason
    records: pd.DataFrame = field(  # a row per relation-table row: RECORD_COLUMNS + hash
        default_factory=lambda: pd.DataFrame(columns=[*RECORD_COLUMNS, "hash"]))


def relation_rows(relations: pd.DataFrame | None, organizations: pd.DataFrame | None,
                  resolver: Resolver) -> RelationRows:
    """Resolved, de-duplicated edges and the rows that could not become edges."""
    parts = []
    if relations is not None and not relations.empty:
        rel = relations.copy()
        rel["record_key"] = record_keys(rel["department"], rel["record_id"])
        rel["stated_in_relations"] = True
        parts.append(rel)
    legal = _legal_rep_records(organizations)
    if not legal.empty:
        parts.append(legal)
    columns = ["type", "from_kind", "to_kind", "from_id", "to_id", "department",
               "share_ratio", "share_min", "share_max", "start_date", "end_date", "roles",
               "record_keys"]
    if not parts:
        return RelationRows(pd.DataFrame(columns=columns),
                            pd.DataFrame(columns=["record_key", "type", "from_id", "to_id",
                                                  "reason"]))
    # all-empty columns are left out of the concat (pandas would otherwise guess dtypes
    # from them) and restored as nulls
    rows = pd.concat([part.loc[:, part.notna().any()].astype(object) for part in parts],
                     ignore_index=True)
    for column in ("type", "from_id", "to_id", "share_ratio", "share_min", "share_max",
                   "start_date", "end_date", "role"):
        if column not in rows.columns:
            rows[column] = None
    table = _kind_table()
    type_text = rows["type"].astype(ARROW_STRING).str.strip()
    term = type_text.str.lower().where(type_text.str.lower().isin(table.index), type_text)
    spec = table.reindex(term.to_numpy()).set_index(rows.index)
    known = spec["type"].notna()
    a = resolver.resolve(rows["from_id"])
    b = resolver.resolve(rows["to_id"])
    reverse = spec["reverse"].eq(True)
    src = a.where(~reverse, b)
    dst = b.where(~reverse, a)
    src_kind = src.map(resolver.kind_of)
    dst_kind = dst.map(resolver.kind_of)
    fits = (((src_kind == PERSON) & spec["from_person"].eq(True))
            | ((src_kind == ORG) & spec["from_org"].eq(True))) \
        & (dst_kind == spec["to_kind"])
    fits = fits.fillna(False).astype(bool)
    reason = pd.Series(pd.NA, index=rows.index, dtype="string")
    reason = reason.mask(~fits, "endpoint kinds do not fit the relationship type")
    reason = reason.mask((src.notna() & (src == dst)).fillna(False).astype(bool),
                         "both endpoints are the same entity")
    reason = reason.mask(b.isna(), "to_id does not resolve to an entity")
    reason = reason.mask(a.isna(), "from_id does not resolve to an entity")
    reason = reason.mask(rows["from_id"].isna(), "from_id missing (e.g. a legal representative "
                         "given by name only)")
    reason = reason.mask(~known, "unknown relation type")
    bad = reason.notna().to_numpy()
    unresolved = pd.DataFrame({"record_key": rows["record_key"], "type": rows["type"],
                               "from_id": rows["from_id"], "to_id": rows["to_id"],
                               "reason": reason})[bad].reset_index(drop=True)
    good = rows[~bad]
    s, d = src[~bad], dst[~bad]
    swap = (spec["symmetric"][~bad].eq(True) & (s > d)).to_numpy()
    edges = pd.DataFrame({
        "type": spec["type"][~bad],
        "from_id": np.where(swap, d, s), "to_id": np.where(swap, s, d),
        "department": good["department"].astype(str),
        "share_ratio": pd.to_numeric(good["share_ratio"], errors="coerce"),
        "share_min": pd.to_numeric(good["share_min"], errors="coerce"),
        "share_max": pd.to_numeric(good["share_max"], errors="coerce"),
        "start_date": good["start_date"].astype("string"),
        "end_date": good["end_date"].astype("string"),
        "role": good["role"].astype(object),
        "record_key": good["record_key"],
    })
    edges["from_kind"] = edges["from_id"].map(resolver.kind_of)
    edges["to_kind"] = edges["to_id"].map(resolver.kind_of)
    return RelationRows(_combine(edges), unresolved,
                        _relation_records(rows, spec["type"].where(~bad), reason))


def _relation_records(rows: pd.DataFrame, yielded: pd.Series, reason: pd.Series
                      ) -> pd.DataFrame:
    """The rows of relation tables (not organisations' legal representatives, which are
    organisation records) as RelationRecord rows: what each states, the relationship type
    it yields or the reason it yields none. No endpoint identifiers: those are personal."""
    if "stated_in_relations" not in rows.columns:
        return pd.DataFrame(columns=[*RECORD_COLUMNS, "hash"])
    own = rows["stated_in_relations"].eq(True).to_numpy()
    role = rows.loc[own, "role"].astype(object).to_numpy()
    out = rows.loc[own].reindex(columns=RECORD_COLUMNS)
    out["relation_type"] = yielded[own]
    out["reason"] = reason[own]
    out["roles"] = [None if pd.isna(r) else [r] for r in role]
    out["line"] = pd.to_numeric(out["line"], errors="coerce").astype("Int64")
    for column in ("share_ratio", "share_min", "share_max"):
        out[column] = pd.to_numeric(out[column], errors="coerce")
    out = out.astype({c: object for c in ("record_key", "department", "record_id", "source",
                                          "relation_type", "start_date", "end_date",
                                          "flags", "reason")}).reset_index(drop=True)
    out["hash"] = content_hash(out.assign(roles=role))  # lists do not hash: the one role
    return out


def _combine(edges: pd.DataFrame) -> pd.DataFrame:
    """One edge per (type, from, to): values from the first record in key order,
    earliest start, latest end, every record's role (in kgc:Role order), all record keys.
    Only repeated edges are grouped."""
    key = ["type", "from_id", "to_id"]
    if edges.empty:
        return edges.assign(record_keys=[], roles=[]).drop(columns=["record_key", "role"])
    repeated = edges.duplicated(key, keep=False).to_numpy()
    single = edges[~repeated].copy()
    single["record_keys"] = [[k] for k in single["record_key"].tolist()]
    single["roles"] = [None if pd.isna(r) else [r] for r in single["role"].tolist()]
    multi = edges[repeated].sort_values(key + ["record_key"])  # few: sort only these
    if len(multi):
        combined = multi.drop_duplicates(key).set_index(key).drop(
            columns=["record_key", "start_date", "end_date", "role"])
        earliest = multi.sort_values("start_date", na_position="last").drop_duplicates(key)
        latest = multi.sort_values("end_date", ascending=False,
                                   na_position="last").drop_duplicates(key)
        combined["start_date"] = earliest.set_index(key)["start_date"]
        combined["end_date"] = latest.set_index(key)["end_date"]
        codes = multi.groupby(key, sort=False).ngroup().to_numpy()
        bounds = np.flatnonzero(np.diff(codes)) + 1
        combined["record_keys"] = [part.tolist() for part in
                                   np.split(multi["record_key"].to_numpy(), bounds)]
        combined["roles"] = [_ordered_roles(part) for part in
                             np.split(multi["role"].to_numpy(), bounds)]
        single = pd.concat([single, combined.reset_index()], ignore_index=True)
    return single.drop(columns=["record_key", "role"]).reset_index(drop=True)


def _ordered_roles(values: np.ndarray) -> list[str] | None:
    """The distinct roles among ``values``, in kgc:Role order; None when there are none."""
    found = {v for v in values if not pd.isna(v)}
    return [r for r in roles if r in found] or None
