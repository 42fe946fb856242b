"""Ingest on Spark: the loaders' standardisers run on the executors through ``mapInPandas``.

Sources are read and mapped to canonical fields on the driver (the readers are file, workbook
and SQL clients, and mapping is cheap); the standardising, which is where ingest spends its
time, runs over Spark partitions. Standardising is row by row, so a partition standardises a
row exactly as the whole chunk would. The rows come back in reading order and go through the
local ingest's own accounting (loaders.ingest.Tally): the result equals ``loaders.ingest``'s,
frame for frame, quarantine row for quarantine row, report for report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from loaders.fields import ENTITY_KINDS, FIELDS, PROVENANCE
from loaders.heartbeat import Heartbeat
from loaders.ingest import (
    Ingested,
    MappedChunk,
    Tally,
    empty_ingested,
    mapped_chunks,
    standardise_chunk,
)
from loaders.readers import DEFAULT_CHUNK_ROWS
from loaders.readers.base import TEXT
from loaders.spec import SourcesSpec
from loaders.standardise.frames import Standardised

SOURCE, CHUNK, POSITION, REJECTED = "_source", "_chunk", "_position", "_rejected"
READER_FLAG = "_reader_flag:"  # prefix of the reader's per-row flag columns


@dataclass
class _Shipment:
    """One entity kind's mapped rows, gathered for Spark with where each came from."""

    kind: str
    parts: list[pd.DataFrame] = field(default_factory=list)
    flag_names: set[str] = field(default_factory=set)

    def add(self, index: int, number: int, chunk: MappedChunk) -> None:
        rows = chunk.rows.reset_index(drop=True)
        rows[SOURCE], rows[CHUNK] = index, number
        rows[POSITION] = np.arange(len(rows), dtype=np.int64)
        for name, mask in chunk.flags.items():
            rows[READER_FLAG + name] = np.asarray(mask, dtype=bool)
            self.flag_names.add(name)
        self.parts.append(rows)

    def frame(self) -> pd.DataFrame:
        """All rows, every field of the kind present (null where a source does not map it)."""
        columns = [*PROVENANCE, *FIELDS[self.kind], SOURCE, CHUNK, POSITION,
                   *(READER_FLAG + name for name in sorted(self.flag_names))]
        frame = pd.concat(self.parts, ignore_index=True).reindex(columns=columns)
        for name in self.flag_names:
            frame[READER_FLAG + name] = frame[READER_FLAG + name].eq(True)
        return frame


def ingest_on_spark(spark, spec: SourcesSpec, progress: bool = True,
                    chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Ingested:
    """``loaders.ingest.ingest`` with the standardisers on Spark; the same ``Ingested``."""
    shipments = {kind: _Shipment(kind) for kind in ENTITY_KINDS}
    read: list[tuple[int, int, MappedChunk]] = []
    for index, source in enumerate(spec.sources):
        for number, chunk in enumerate(mapped_chunks(source, chunk_rows, progress)):
            if len(chunk.rows):
                shipments[source.entity].add(index, number, chunk)
            read.append((index, number, replace(chunk, rows=chunk.rows.iloc[:0], flags={})))
    done: dict[tuple[int, int], Standardised] = {}
    with Heartbeat("spark ingest", progress) as laps:
        for shipment in shipments.values():
            if shipment.parts:
                laps.step(f"standardise {shipment.kind} records")
                done.update(_standardised_chunks(spark, spec, shipment))
    tally = Tally(spec)
    for index, number, chunk in read:
        tally.read(index, chunk)
        if (index, number) in done:
            tally.standardised(index, done.pop((index, number)))
    return tally.ingested()


def _standardised_chunks(spark, spec: SourcesSpec,
                         shipment: _Shipment) -> dict[tuple[int, int], Standardised]:
    """Standardise one kind's rows on Spark; per (source, chunk), as the local ingest would."""
    frame = shipment.frame()
    shipment.parts.clear()  # the driver holds the mapped rows once, not twice
    flag_names = sorted(shipment.flag_names)
    local = empty_ingested(shipment.kind)

    def standardise(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            for (index, number), rows in batch.groupby([SOURCE, CHUNK], sort=False):
                source = spec.sources[index]
                mapped = rows[[*PROVENANCE, *source.fields_to_columns()]].astype(TEXT)
                mapped["line"] = rows["line"].to_numpy(np.int64)
                flags = {name: rows[READER_FLAG + name].to_numpy(dtype=bool)
                         for name in flag_names if rows[READER_FLAG + name].any()}
                out = standardise_chunk(source, mapped.reset_index(drop=True), flags)
                yield _with_place(out, index, number, rows[POSITION].to_numpy())

    standardised = _spark_frame(spark, frame).mapInPandas(standardise, _schema(local))
    collected = standardised.toPandas().sort_values([SOURCE, CHUNK, POSITION], kind="stable")
    return {(int(index), int(number)): _as_standardised(rows, local)
            for (index, number), rows in collected.groupby([SOURCE, CHUNK], sort=False)}


def _with_place(out: Standardised, index: int, number: int,
                positions: np.ndarray) -> pd.DataFrame:
    frame = out.frame.astype(object).where(out.frame.notna(), None)
    reasons = pd.Series([out.rejected.get(i) for i in range(len(frame))], dtype=object)
    return frame.assign(**{SOURCE: index, CHUNK: number, POSITION: positions,
                           REJECTED: reasons.to_numpy()})


def _as_standardised(rows: pd.DataFrame, local: pd.DataFrame) -> Standardised:
    """A chunk's collected rows as the local ``Standardised``: typed frame, flag masks (from
    the row's ``flags``), rejected rows with their reasons."""
    frame = rows[list(local.columns)].reset_index(drop=True).astype(local.dtypes.to_dict())
    listed = frame["flags"].fillna("").str.split(";")
    names = sorted({name for row in listed for name in row if name})
    flags = {name: listed.map(lambda row, n=name: n in row).to_numpy(dtype=bool)
             for name in names}
    reasons = rows[REJECTED].to_numpy()
    rejected = {i: reason for i, reason in enumerate(reasons) if reason is not None}
    return Standardised(frame, flags, rejected)


def _spark_frame(spark, frame: pd.DataFrame):
    """Mapped rows as a Spark DataFrame: text as strings, line and places as longs."""
    from pyspark.sql import types as T

    fields = []
    for name in frame.columns:
        if name.startswith(READER_FLAG):
            kind = T.BooleanType()
        elif name in ("line", SOURCE, CHUNK, POSITION):
            kind = T.LongType()
        else:
            kind = T.StringType()
        fields.append(T.StructField(name, kind, True))
    plain = frame.astype(object).where(frame.notna(), None)
    for name in ("line", SOURCE, CHUNK, POSITION):
        plain[name] = frame[name].astype(np.int64)
    return spark.createDataFrame(plain, T.StructType(fields))


def _schema(local: pd.DataFrame):
    """The Spark schema of a standardised chunk with its place and rejection reason."""
    from pyspark.sql import types as T

    def spark_type(dtype) -> T.DataType:
        if str(dtype) == "boolean":
            return T.BooleanType()
        if str(dtype) == "int64":
            return T.LongType()
        if str(dtype) == "float64":
            return T.DoubleType()
        return T.StringType()

    fields = [T.StructField(name, spark_type(dtype), True) for name, dtype in local.dtypes.items()]
    fields += [T.StructField(SOURCE, T.LongType(), False),
               T.StructField(CHUNK, T.LongType(), False),
               T.StructField(POSITION, T.LongType(), False),
               T.StructField(REJECTED, T.StringType(), True)]
    return T.StructType(fields)
