"""Data-quality report per department: what a data-governance office asks of its departments.

For each department and entity kind: record counts, completeness and validity per field,
duplicates inside the department (its records that resolved to one entity) and the overlap
matrix (of a department's entities, how many also appear in each other department).
Everything is computed column-wise with pandas/numpy, so a million records cost seconds.
``quality_report`` returns a JSON-ready dict; ``render_markdown`` turns it into a summary.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from loaders.fields import FIELDS

ENTITY_FRAMES = (("person", "persons"), ("organization", "organizations"))

# Fields whose validity a standardiser already decided (value column -> boolean flag column).
_FLAG_COLUMNS = {"id_number": "id_valid", "credit_code": "credit_code_valid"}
_DATE_FIELDS = ("birth_date", "established_date")
_MOBILE = r"1[3-9]\d{9}"
_LANDLINE = r"0\d{9,11}"  # area code (2-3 digits after the 0) plus a 7-8 digit number
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"

VALIDITY_RULES = {
    "id_number": "passes the GB 11643 checksum (id_valid)",
    "credit_code": "passes the GB 32100 checksum (credit_code_valid)",
    "birth_date": "a real calendar date, ISO YYYY-MM-DD",
    "established_date": "a real calendar date, ISO YYYY-MM-DD",
    "phone": "mainland mobile (11 digits, 1[3-9]...) or landline with area code (0 + 9-11 digits)",
    "email": "local@domain.tld",
    "sex": "M or F",
}


def _text(values: pd.Series) -> pd.Series:
    """Values as stripped Arrow-backed strings, blank text as missing (vectorised in C++)."""
    text = values.astype("string[pyarrow]").str.strip()
    return text.mask(text.str.len() == 0)


def _valid(field: str, text: pd.Series, frame: pd.DataFrame) -> pd.Series | None:
    """Validity of each value of ``field`` (None when no rule applies to the field)."""
    flag = _FLAG_COLUMNS.get(field)
    if flag is not None:
        if flag not in frame.columns:
            return None
        return frame[flag].astype("boolean").fillna(False).astype(bool)
    if field in _DATE_FIELDS:
        if pd.api.types.is_datetime64_any_dtype(frame[field]):
            return frame[field].notna()
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        return pd.Series(parsed.notna().to_numpy(), index=text.index)
    if field == "phone":
        ok = text.str.fullmatch(_MOBILE) | text.str.fullmatch(_LANDLINE)
    elif field == "email":
        ok = text.str.fullmatch(_EMAIL)
    elif field == "sex":
        ok = text.isin(["M", "F"])
    else:
        return None
    return ok.fillna(False).astype(bool)


def field_profile(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Per (department, field): records, filled, valid and checked counts for one entity kind.

    ``checked`` is the number of filled values a validity rule applies to (0 when the
    field has no rule). Fields a department never fills are kept with filled = 0.
    """
    fields = [f for f in FIELDS[kind] if f in frame.columns]
    codes, departments = pd.factorize(frame["department"], sort=True)
    n = len(departments)
    records = np.bincount(codes, minlength=n)
    parts = []
    for field in fields:
        text = _text(frame[field])
        filled = text.notna().to_numpy(dtype=bool)
        valid = _valid(field, text, frame)
        checked = filled if valid is not None else np.zeros(len(frame), dtype=bool)
        good = checked & valid.to_numpy(dtype=bool) if valid is not None else checked
        parts.append(pd.DataFrame({
            "department": departments.astype(str), "field": field, "records": records,
            "filled": np.bincount(codes, weights=filled, minlength=n).astype(np.int64),
            "checked": np.bincount(codes, weights=checked, minlength=n).astype(np.int64),
            "valid": np.bincount(codes, weights=good, minlength=n).astype(np.int64)}))
    if not parts:
        return pd.DataFrame(columns=["department", "field", "records", "filled", "checked",
                                     "valid"])
    return pd.concat(parts, ignore_index=True)


class ClusterKeys:
    """The distinct (entity_type, department, entity) triples of a clusters frame, as codes.

    Strings are factorised once; everything after is integer numpy work, so duplicates
    and overlaps of a million records cost well under a second.
    """

    def __init__(self, clusters: pd.DataFrame) -> None:
        dept, self.departments = pd.factorize(clusters["department"], sort=True)
        kind, self.types = pd.factorize(clusters["entity_type"], sort=True)
        ent, entities = pd.factorize(clusters["entity_id"])
        self.n_dept, self.n_ent = len(self.departments), max(len(entities), 1)
        key = (kind.astype(np.int64) * self.n_dept + dept) * self.n_ent + ent
        key = np.sort(key, kind="stable")  # sort-based distinct + counts (radix sort)
        first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key[:0]
        self.keys = key[first]
        self.counts = np.diff(np.r_[first, len(key)]).astype(np.int64)
        group = self.keys // self.n_ent
        self.kind, self.dept, self.ent = group // self.n_dept, group % self.n_dept, \
            self.keys % self.n_ent


def duplicate_profile(clusters: pd.DataFrame, keys: ClusterKeys | None = None) -> pd.DataFrame:
    """Per (department, entity_type): records, entities, duplicate records and entities.

    A duplicate record is one more record of an entity the department already holds;
    a duplicated entity is one the department holds under two or more records.
    """
    k = keys or ClusterKeys(clusters)
    group = k.kind * k.n_dept + k.dept
    size = len(k.types) * k.n_dept
    records = np.bincount(group, weights=k.counts, minlength=size).astype(np.int64)
    entities = np.bincount(group, minlength=size).astype(np.int64)
    duplicated = np.bincount(group, weights=k.counts > 1, minlength=size).astype(np.int64)
    present = np.flatnonzero(records)
    return pd.DataFrame({
        "department": k.departments[present % k.n_dept].astype(str),
        "entity_type": k.types[present // k.n_dept].astype(str),
        "records": records[present], "entities": entities[present],
        "duplicated_entities": duplicated[present],
        "duplicate_records": records[present] - entities[present]})


def overlap_matrix(clusters: pd.DataFrame, keys: ClusterKeys | None = None,
                   entity_type: str | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(departments, matrix, shared) for one entity kind (the only one, or ``entity_type``).

    ``matrix[i, j]`` is how many of department i's entities also appear in department j
    (the diagonal is department i's entity count); ``shared[i]`` is how many of department
    i's entities appear in at least one other department. Computed as M.T @ M on the
    entity-by-department incidence matrix.
    """
    k = keys or ClusterKeys(clusters)
    if entity_type is None:
        if len(k.types) != 1:
            raise ValueError("overlap_matrix: give entity_type when clusters mix kinds")
        entity_type = str(k.types[0])
    sel = k.kind == list(k.types).index(entity_type)
    dept_codes, depts = pd.factorize(k.dept[sel], sort=True)
    ent_codes, entities = pd.factorize(k.ent[sel])
    incidence = np.zeros((len(entities), len(depts)), dtype=np.float32)
    incidence[ent_codes, dept_codes] = 1.0
    matrix = (incidence.T @ incidence).round().astype(np.int64)
    in_others = incidence.sum(axis=1) > 1
    shared = incidence[in_others].sum(axis=0).round().astype(np.int64)
    return [str(k.departments[d]) for d in depts], matrix, shared


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _frames(ingested: Any) -> dict[str, pd.DataFrame]:
    """The non-empty person/organisation frames of an Ingested (attribute or mapping)."""
    out = {}
    for kind, attr in ENTITY_FRAMES:
        frame = ingested.get(attr) if isinstance(ingested, dict) else getattr(ingested, attr, None)
        if frame is not None and len(frame):
            if "department" not in frame.columns:
                raise ValueError(f"ingested {attr} frame lacks the 'department' column")
            out[kind] = frame
    return out


def _quarantine_counts(ingested: Any) -> dict[str, int]:
    frame = (ingested.get("quarantine") if isinstance(ingested, dict)
             else getattr(ingested, "quarantine", None))
    if not isinstance(frame, pd.DataFrame) or "department" not in frame.columns:
        return {}
    return {str(k): int(v) for k, v in frame["department"].astype(str).value_counts().items()}


def quality_report(ingested: Any, clusters: pd.DataFrame) -> dict:
    """The data-quality report of one link run as a JSON-serialisable dict.

    ``ingested`` has DataFrames ``persons`` and ``organizations`` (and optionally
    ``quarantine``), ``clusters`` is the link output (department, record_id, entity_id,
    entity_type). Layout: ``departments[dept][kind]`` holds counts, ``fields`` and
    ``absent_fields``; ``overlap[kind]`` holds the matrix; ``quarantined[dept]`` counts
    rejected rows; ``totals`` sums it up.
    """
    missing = {"department", "record_id", "entity_id", "entity_type"} - set(clusters.columns)
    if missing:
        raise ValueError(f"clusters lacks column(s) {sorted(missing)}")
    frames = _frames(ingested)
    quarantined = _quarantine_counts(ingested)
    departments: dict[str, dict] = {}
    totals: dict[str, dict] = {}

    for kind, frame in frames.items():
        profile = field_profile(frame, kind)
        for dept, rows in profile.groupby("department", sort=True):
            entry = departments.setdefault(str(dept), {}).setdefault(kind, {})
            entry["records"] = int(rows["records"].iloc[0])
            fields = {}
            for row in rows.itertuples(index=False):  # one row per field, not per record
                if row.filled == 0:
                    continue
                info = {"filled": int(row.filled),
                        "completeness": _ratio(int(row.filled), int(row.records))}
                if row.checked:
                    info.update(valid=int(row.valid), invalid=int(row.checked - row.valid),
                                validity=_ratio(int(row.valid), int(row.checked)))
                fields[row.field] = info
            entry["fields"] = fields
            entry["absent_fields"] = sorted(rows.loc[rows["filled"] == 0, "field"].tolist())
        totals[kind] = {"records": int(len(frame))}

    keys = ClusterKeys(clusters)
    for row in duplicate_profile(clusters, keys).itertuples(index=False):
        entry = departments.setdefault(row.department, {}).setdefault(row.entity_type, {})
        entry.setdefault("records", int(row.records))
        entry.update(entities=int(row.entities), duplicate_records=int(row.duplicate_records),
                     duplicated_entities=int(row.duplicated_entities),
                     duplicate_rate=_ratio(int(row.duplicate_records), int(row.records)))

    overlap: dict[str, dict] = {}
    for code, kind in enumerate(str(t) for t in keys.types):
        names, matrix, shared = overlap_matrix(clusters, keys, kind)
        overlap[kind] = {"departments": names,
                         "matrix": {a: {b: int(matrix[i, j]) for j, b in enumerate(names)}
                                    for i, a in enumerate(names)}}
        for i, name in enumerate(names):
            departments[name][kind]["shared_entities"] = int(shared[i])
        sel = keys.kind == code
        clustered = int(keys.counts[sel].sum())
        totals.setdefault(kind, {"records": clustered})
        totals[kind].update(entities=int(np.unique(keys.ent[sel]).size),
                            clustered_records=clustered)

    return {"departments": dict(sorted(departments.items())), "overlap": overlap,
            "quarantined": dict(sorted(quarantined.items())), "totals": totals,
            "validity_rules": VALIDITY_RULES}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


_KIND_TITLE = {"person": "Persons", "organization": "Organisations"}


def render_markdown(report: dict) -> str:
    """A readable Markdown summary of ``quality_report`` output (department names as given)."""
    lines = ["# Data-quality report", ""]
    for kind, info in report.get("totals", {}).items():
        lines.append(f"- {_KIND_TITLE.get(kind, kind)}: {info.get('records', 0):,} records, "
                     f"{info.get('entities', 0):,} resolved entities")
    for dept, count in report.get("quarantined", {}).items():
        lines.append(f"- {dept}: {count:,} row(s) quarantined at ingest")
    for dept, kinds in report.get("departments", {}).items():
        lines += ["", f"## {dept}"]
        for kind, entry in kinds.items():
            title = _KIND_TITLE.get(kind, kind)
            lines += ["", f"### {title}: {entry.get('records', 0):,} records -> "
                      f"{entry.get('entities', 0):,} entities", ""]
            lines.append(f"Duplicates inside the department: {entry.get('duplicate_records', 0):,} "
                         f"records ({_pct(entry.get('duplicate_rate'))}) in "
                         f"{entry.get('duplicated_entities', 0):,} entities; "
                         f"{entry.get('shared_entities', 0):,} entities also held elsewhere.")
            fields = entry.get("fields", {})
            if fields:
                lines += ["", "| field | filled | completeness | invalid | validity |",
                          "|---|---:|---:|---:|---:|"]
                for field, f in fields.items():
                    invalid = f"{f['invalid']:,}" if "invalid" in f else "—"
                    lines.append(f"| {field} | {f['filled']:,} | {_pct(f['completeness'])} | "
                                 f"{invalid} | {_pct(f.get('validity'))} |")
            if entry.get("absent_fields"):
                lines += ["", "Not provided: " + ", ".join(entry["absent_fields"])]
    for kind, info in report.get("overlap", {}).items():
        names = info["departments"]
        lines += ["", f"## Overlap of {_KIND_TITLE.get(kind, kind).lower()} between departments",
                  "", "Row department's entities that also appear in the column department "
                  "(diagonal: the department's own entity count).", "",
                  "| department | " + " | ".join(names) + " |",
                  "|---|" + "---:|" * len(names)]
        for a in names:
            row = info["matrix"][a]
            lines.append(f"| {a} | " + " | ".join(f"{row[b]:,}" for b in names) + " |")
    rules = report.get("validity_rules", {})
    if rules:
        lines += ["", "Validity rules: " + "; ".join(f"{k}: {v}" for k, v in rules.items())]
    return "\n".join(lines) + "\n"
