"""Writes a load's large steps from Spark partitions with the Neo4j Connector for Apache Spark.

The statements are the graph store's own (``graph.store.cypher`` with ``cypher.EVENTS``: the
connector hands each batch of rows to the statement as ``event``), always the MERGE forms,
so a Spark task that is retried after a partial commit writes the same graph again: keys
are merged, properties set, a record's old REFERS_TO and an entity's old LOCATED_IN
removed. A step is checkpointed in the load's manifest once every partition has written
it, so a load cut short resumes at the first step not done. The connector reports no
counters, so the load summary counts only the steps the driver wrote. Rows are written by
one partition unless the session's ``spark.kglink.neo4j.partitions`` asks for more
(concurrent MERGEs on the same department and division nodes wait for each other's locks;
the connector retries a failed transaction, three times by default).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from graph.store.cypher import EVENTS
from graph.store.manifest import Manifest
from loaders.heartbeat import heartbeat

if TYPE_CHECKING:
    from neo4j import Driver

    from graph.connection import Target

DATA_SOURCE = "org.neo4j.spark.DataSource"
WRITE_PARTITIONS = 1  # MERGEs on shared nodes (departments, divisions) contend for locks
PARTITIONS_CONF = "spark.kglink.neo4j.partitions"  # concurrent writing partitions, if set


class SparkWriter:
    """``BatchWriter``'s ``write`` for the steps a load sends from Spark (module docstring)."""

    rows = EVENTS

    def __init__(self, spark: Any, target: Target, driver: Driver, database: str,
                 manifest: Manifest, chunk_size: int, progress: bool = True) -> None:
        self.spark, self.target = spark, target
        self.driver, self.database = driver, database
        self.manifest, self.chunk_size, self.progress = manifest, chunk_size, progress
        self.partitions = int(spark.conf.get(PARTITIONS_CONF, str(WRITE_PARTITIONS)))
        self.step_seconds: dict[str, float] = {}
        self.steps: list[str] = []

    def write(self, step: str, statement: str, frame: pd.DataFrame | None,
              params: dict[str, Any] | None = None) -> None:
        """Write ``frame`` with ``statement`` from Spark, unless the step is done already."""
        if self.manifest.skip_step(step) or frame is None:
            return
        started = time.monotonic()
        if len(frame):
            rows = frame.assign(**params) if params else frame
            with heartbeat(f"graph {step}: {len(rows):,} rows from Spark", self.progress):
                (self.spark.createDataFrame(plain_rows(rows), spark_schema(rows))
                 .repartition(self.partitions)
                 .write.format(DATA_SOURCE).mode("Overwrite")
                 .options(**self._options(statement)).save())
        self.steps.append(step)
        self.step_seconds[step] = time.monotonic() - started
        self.manifest.mark_step_done(self.driver, self.database, step)

    def _options(self, statement: str) -> dict[str, str]:
        return {"url": self.target.uri, "database": self.database,
                "authentication.type": "basic",
                "authentication.basic.username": self.target.user,
                "authentication.basic.password": self.target.password,
                "query": statement, "batch.size": str(self.chunk_size)}


def plain_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with None for every missing value (a NaN would be written as a number)."""
    out = frame.astype(object)
    return out.where(frame.notna().to_numpy(), None)


def spark_schema(frame: pd.DataFrame) -> str:
    """A Spark DDL schema for a plan frame: integers stay integers and floats floats (as
    the driver's batches send them), text and lists of text by their first value; a column
    without any value is text (it removes the property either way)."""
    return ", ".join(f"`{name}` {_spark_type(frame[name])}" for name in frame.columns)


def _spark_type(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "bigint"
    if pd.api.types.is_float_dtype(values):
        return "double"
    present = values.dropna()
    first = present.iloc[0] if len(present) else None
    if isinstance(first, (list, tuple, np.ndarray)):
        inner = next((x for v in present for x in v), "")
        return f"array<{_scalar_type(inner)}>"
    return _scalar_type(first)


def _scalar_type(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, (int, np.integer)):
        return "bigint"
    if isinstance(value, (float, np.floating)):
        return "double"
    return "string"
