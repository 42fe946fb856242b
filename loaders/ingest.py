"""Ingest: read every source of a SOURCES.yaml, map its columns to canonical fields,
quarantine what cannot be used (with a reason), standardise the rest, and account for every
row: per source, read == loaded + quarantined.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.fields import ENTITY_KINDS, output_columns
from loaders.limits import (
    INDEXED_FIELDS,
    INDEXED_VALUE_BYTES,
    MAX_FIELD_CHARS,
    MAX_RECORD_ID_CHARS,
    RECORD_ID_REASON,
    too_long_reason,
)
from loaders.readers import DEFAULT_CHUNK_ROWS, BadRow, read_chunks
from loaders.readers.base import RAW_LIMIT, TEXT
from loaders.spec import SourceSpec, SourcesSpec, check_source_columns
from loaders.standardise.frames import STANDARDISERS, Standardised, add_flags

# each tuple: at least one of these fields must be present (a person may have only
# given_name/family_name, as Western lists do; `name` is then composed from them; a person
# known only by an ID number, e-mail or phone can still be linked, so is kept)
REQUIRED = {"person": (("name", "given_name", "family_name", "id_number", "email", "phone"),),
            "organization": (("name", "credit_code"),),
            "relation": (("type",), ("from_id",), ("to_id",))}
QUARANTINE_COLUMNS = ("department", "source", "line", "record_id", "reason", "raw")
OUTPUT_FILES = {"person": "persons.parquet", "organization": "organizations.parquet",
                "relation": "relations.parquet"}


@dataclass
class Ingested:
    """The canonical frames, the quarantined rows and the per-source report."""

    persons: pd.DataFrame
    organizations: pd.DataFrame
    relations: pd.DataFrame
    quarantine: pd.DataFrame
    report: dict = field(default_factory=dict)

    def frame(self, entity: str) -> pd.DataFrame:
        return {"person": self.persons, "organization": self.organizations,
                "relation": self.relations}[entity]

    def write(self, out_dir: Path) -> None:
        """persons/organizations/relations.parquet (each only if it has rows; a stale file
        from an earlier run is removed), quarantine.csv and report.json (always)."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        for entity, name in OUTPUT_FILES.items():
            frame, path = self.frame(entity), out_dir / name
            if len(frame):
                frame.to_parquet(path, index=False)
            elif path.exists():
                path.unlink()
        self.quarantine.to_csv(out_dir / "quarantine.csv", index=False, encoding="utf-8")
        (out_dir / "report.json").write_text(
            json.dumps(self.report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@dataclass
class MappedChunk:
    """One chunk of a source read and mapped to canonical fields: the rows to standardise,
    the rows already quarantined (unreadable, unmapped or missing a required field), the
    reader's flags over ``rows`` and how many rows were read."""

    rows: pd.DataFrame
    quarantined: pd.DataFrame
    flags: dict[str, np.ndarray]
    read: int


def mapped_chunks(source: SourceSpec, chunk_rows: int = DEFAULT_CHUNK_ROWS,
                  progress: bool = True) -> Iterator[MappedChunk]:
    """The source's rows, read and mapped chunk by chunk (a progress bar on stderr)."""
    from tqdm import tqdm

    check_source_columns(source)
    bar = tqdm(desc=f"{source.department} {source.label}", unit=" rows", file=sys.stderr,
               disable=not progress, leave=False)
    wanted = [source.id_column, *dict.fromkeys(source.columns)]
    for chunk in read_chunks(source, wanted, chunk_rows):
        good, bad = _load_chunk(source, chunk.frame, chunk.lines, chunk.bad)
        flags = {name: mask[good.index] for name, mask in chunk.flags.items()}
        read = len(chunk.frame) + len(chunk.bad)
        yield MappedChunk(good, bad, flags, read)
        bar.update(read)
    bar.close()


def standardise_chunk(source: SourceSpec, rows: pd.DataFrame,
                      flags: dict[str, np.ndarray]) -> Standardised:
    """The source's standardiser over mapped rows, with the reader's flags added."""
    return add_flags(STANDARDISERS[source.entity](rows, source.dates), flags)


class Tally:
    """Accounts for every row of every source, in reading order: loaded frames, quarantined
    rows and the per-source report (read == loaded + quarantined)."""

    def __init__(self, spec: SourcesSpec) -> None:
        self.spec = spec
        self.frames: dict[str, list[pd.DataFrame]] = {kind: [] for kind in ENTITY_KINDS}
        self.quarantined: list[pd.DataFrame] = []
        self.reports: dict[int, dict] = {}

    def read(self, index: int, chunk: MappedChunk) -> None:
        """A chunk's reading: its row count and the rows quarantined before standardising."""
        report = self._report(index)
        report["read"] += chunk.read
        self._quarantine(report, chunk.quarantined)

    def standardised(self, index: int, done: Standardised) -> None:
        """A chunk's standardisation: loaded rows, rows it rejected, flag counts."""
        source, report = self.spec.sources[index], self._report(index)
        report["flags"].update(done.flag_counts())
        loaded = done.frame
        if done.rejected:
            rows = loaded.loc[list(done.rejected)]
            self._quarantine(report, _quarantine_frame(
                rows, [done.rejected[i] for i in rows.index], source))
            loaded = loaded.drop(index=list(done.rejected))
        self.frames[source.entity].append(loaded.reset_index(drop=True))

    def ingested(self) -> Ingested:
        """The canonical frames (duplicate record ids quarantined) and the report."""
        reports = [self._report(i) for i in range(len(self.spec.sources))]
        result = {kind: _concat(self.frames[kind], kind) for kind in ENTITY_KINDS}
        for kind in ENTITY_KINDS:
            result[kind], dupes = _split_duplicates(result[kind])
            if len(dupes):
                self.quarantined.append(dupes)
                for rep in reports:
                    if rep["entity"] == kind:
                        mine = dupes[(dupes["department"] == rep["department"])
                                     & (dupes["source"] == rep["source"])]
                        rep["quarantine_reasons"].update(mine["reason"].tolist())
        quarantine = (pd.concat(self.quarantined, ignore_index=True) if self.quarantined
                      else _empty_quarantine())
        for rep in reports:
            rep["quarantined"] = sum(rep["quarantine_reasons"].values())
            rep["loaded"] = rep["read"] - rep["quarantined"]
            rep["quarantine_reasons"] = dict(rep["quarantine_reasons"])
            rep["flags"] = dict(sorted(rep["flags"].items()))
        totals = {key: sum(r[key] for r in reports) for key in ("read", "loaded", "quarantined")}
        totals.update({OUTPUT_FILES[k].split(".")[0]: len(result[k]) for k in ENTITY_KINDS})
        return Ingested(persons=result["person"], organizations=result["organization"],
                        relations=result["relation"],
                        quarantine=quarantine.reset_index(drop=True),
                        report={"spec": str(self.spec.path), "sources": reports,
                                "totals": totals})

    def _report(self, index: int) -> dict:
        if index not in self.reports:
            source = self.spec.sources[index]
            self.reports[index] = {
                "department": source.department, "entity": source.entity,
                "source": source.label, "format": source.format, "read": 0, "loaded": 0,
                "quarantined": 0, "quarantine_reasons": Counter(), "flags": Counter(),
                "date_ranges": {name: r.as_iso() for name, r in source.dates.items()}}
        return self.reports[index]

    def _quarantine(self, report: dict, rows: pd.DataFrame) -> None:
        self.quarantined.append(rows)
        report["quarantine_reasons"].update(rows["reason"].tolist())


def ingest(spec: SourcesSpec, progress: bool = True,
           chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Ingested:
    """Load, validate and standardise all sources; see the module docstring."""
    tally = Tally(spec)
    for index, source in enumerate(spec.sources):
        for chunk in mapped_chunks(source, chunk_rows, progress):
            tally.read(index, chunk)
            if len(chunk.rows):
                tally.standardised(index, standardise_chunk(source, chunk.rows, chunk.flags))
    return tally.ingested()


def _load_chunk(source: SourceSpec, raw: pd.DataFrame, lines: np.ndarray,
                bad_rows: list[BadRow]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map source columns to fields and split off rows that cannot be loaded."""
    frame = pd.DataFrame(index=raw.index)
    frame["department"] = pd.Series(source.department, index=raw.index, dtype=TEXT)
    frame["source"] = pd.Series(source.label, index=raw.index, dtype=TEXT)
    frame["record_id"] = raw[source.id_column].astype(TEXT).str.strip()
    frame["line"] = lines.astype(np.int64)
    for name, columns in source.fields_to_columns().items():
        if len(columns) == 1:
            frame[name] = raw[columns[0]].astype(TEXT)
        else:  # an address split over columns: joined with a space, skipping empty parts
            frame[name] = _join_columns([raw[c] for c in columns])
    reasons = pd.Series(pd.array([None] * len(frame), dtype=TEXT), index=frame.index)

    def reject(mask, reason: str) -> None:
        mask = pd.Series(mask, index=frame.index).fillna(False).astype(bool) & reasons.isna()
        reasons[mask] = reason

    reject(frame["record_id"].isna() | (frame["record_id"] == ""), "missing_record_id")
    reject(frame["record_id"].str.len() > MAX_RECORD_ID_CHARS, RECORD_ID_REASON)
    _reject_oversized(frame, source, reject)
    for alternatives in REQUIRED[source.entity]:
        present = np.zeros(len(frame), dtype=bool)
        mapped = [name for name in alternatives if name in frame]
        for name in mapped:
            present |= (frame[name].str.strip().str.len() > 0).fillna(False).to_numpy()
        # the reason names the alternatives this source maps (all of them when it maps none)
        reject(~present, "missing_required:" + "|".join(mapped or alternatives))
    rejected = reasons.notna().to_numpy()
    bad_frame = _quarantine_frame(raw[rejected].assign(line=lines[rejected]),
                                  reasons[rejected].tolist(), source,
                                  record_ids=frame["record_id"][rejected])
    read_bad = pd.DataFrame({
        "department": source.department, "source": source.label,
        "line": pd.array([b.line for b in bad_rows], dtype="Int64"),
        "record_id": pd.array([None] * len(bad_rows), dtype=TEXT),
        "reason": [b.reason for b in bad_rows], "raw": [b.raw for b in bad_rows]},
        columns=list(QUARANTINE_COLUMNS))
    return frame[~rejected], pd.concat([read_bad, bad_frame], ignore_index=True)


def _reject_oversized(frame: pd.DataFrame, source: SourceSpec, reject) -> None:
    """Reject values over the limits of loaders.limits: indexed fields by UTF-8 bytes (the
    Neo4j index key limit), every field by characters."""
    indexed = INDEXED_FIELDS[source.entity]
    for name in source.fields_to_columns():
        if name in indexed:
            size = pc.binary_length(pc.cast(pa.array(frame[name].array), pa.binary()))
            reject(pd.Series(size.to_pandas(), index=frame.index) > INDEXED_VALUE_BYTES,
                   too_long_reason(name, INDEXED_VALUE_BYTES, "bytes"))
        reject(frame[name].str.len() > MAX_FIELD_CHARS,
               too_long_reason(name, MAX_FIELD_CHARS, "chars"))


def _join_columns(parts: list[pd.Series]) -> pd.Series:
    """Row-wise ' '-join of text columns, skipping nulls (null when all are null)."""
    from loaders.standardise.text import arrow, clean_arrow, from_arrow

    joined = clean_arrow(arrow(parts[0]))
    for part in parts[1:]:
        nxt = clean_arrow(arrow(part))
        both = pc.and_(pc.is_valid(joined), pc.is_valid(nxt))
        joined = pc.if_else(both, pc.binary_join_element_wise(joined, nxt, " "),
                            pc.coalesce(joined, nxt))
    return from_arrow(joined, parts[0].index)


def _quarantine_frame(rows: pd.DataFrame, reasons: list[str], source: SourceSpec,
                      record_ids: pd.Series | None = None) -> pd.DataFrame:
    """Quarantine rows with the raw values (JSON of the row, truncated) and a reason."""
    payload = rows.drop(columns=[c for c in ("line",) if c in rows])
    raws = [_raw_json(rec) for rec in payload.astype(object).where(payload.notna(), None)
            .to_dict("records")]
    ids = record_ids if record_ids is not None else rows.get("record_id")
    return pd.DataFrame({
        "department": source.department, "source": source.label,
        "line": pd.array(rows["line"].tolist() if "line" in rows else [None] * len(rows),
                         dtype="Int64"),
        "record_id": pd.array([_clip(v) for v in ids.tolist()] if ids is not None
                              else [None] * len(rows), dtype=TEXT),
        "reason": reasons, "raw": raws}, columns=list(QUARANTINE_COLUMNS))


def _raw_json(record: dict) -> str:
    clipped = {k: _clip(v) for k, v in record.items()}
    return json.dumps(clipped, ensure_ascii=False, default=str)


def _clip(value: object) -> object:
    """A string value cut to RAW_LIMIT characters for quarantine.csv, saying how much."""
    if isinstance(value, str) and len(value) > RAW_LIMIT:
        return value[:RAW_LIMIT] + f"...[{len(value) - RAW_LIMIT} more characters]"
    return value


def _split_duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the first row of each (department, record_id); the rest go to quarantine."""
    if not len(frame):
        return frame, _empty_quarantine()
    dup = frame.duplicated(subset=["department", "record_id"], keep="first").to_numpy()
    if not dup.any():
        return frame, _empty_quarantine()
    rows = frame[dup]
    raws = [_raw_json(rec) for rec in rows.drop(columns=["line"]).astype(object)
            .where(rows.drop(columns=["line"]).notna(), None).to_dict("records")]
    quarantine = pd.DataFrame({
        "department": rows["department"].tolist(), "source": rows["source"].tolist(),
        "line": pd.array(rows["line"].tolist(), dtype="Int64"),
        "record_id": pd.array(rows["record_id"].tolist(), dtype=TEXT),
        "reason": "duplicate_record_id", "raw": raws}, columns=list(QUARANTINE_COLUMNS))
    return frame[~dup].reset_index(drop=True), quarantine


def empty_ingested(entity: str) -> pd.DataFrame:
    """An ingested frame of this entity kind without rows: its columns and their types."""
    columns = list(output_columns(entity))
    empty = pd.DataFrame({c: pd.array([], dtype=TEXT) for c in columns})
    empty["line"] = empty["line"].astype(np.int64)
    return STANDARDISERS[entity](empty).frame


def _concat(parts: list[pd.DataFrame], entity: str) -> pd.DataFrame:
    if not parts:
        return empty_ingested(entity)
    return pd.concat(parts, ignore_index=True)[list(output_columns(entity))]


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.array([], dtype=TEXT) for c in QUARANTINE_COLUMNS})
