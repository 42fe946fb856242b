"""pandas <-> Spark: ingested frames into Spark DataFrames, prepared on the executors.

Each record keeps ``row``, its position in the ingested frame: the local engine numbers
records the same way, so pairs, components and ids line up between the two engines.
``prepare_frame`` runs linking.prepare (the same standardisers) inside ``mapInPandas``;
prepare works row by row, so a partition prepares exactly as the whole frame would.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from linking.prepare import prepare

ROW = "row"
VALID_COLUMNS = ("id_valid", "credit_code_valid")


def ingested_frame(spark, frame: pd.DataFrame):
    """An ingested frame as a Spark DataFrame of strings (and booleans), with ``row``."""
    from pyspark.sql import types as T

    text = frame.reset_index(drop=True)
    fields, columns = [T.StructField(ROW, T.LongType(), False)], {ROW: np.arange(len(text))}
    for name in text.columns:
        values = text[name]
        if name.endswith("_valid"):
            columns[name] = values.fillna(False).astype(bool)
            fields.append(T.StructField(name, T.BooleanType(), True))
        else:
            strings = values if pd.api.types.is_string_dtype(values) else values.astype(str)
            columns[name] = strings.astype(object).where(values.notna(), None)
            fields.append(T.StructField(name, T.StringType(), True))
    plain = pd.DataFrame(columns)
    return spark.createDataFrame(plain, T.StructType(fields))


def prepared_schema(entity_type: str, ingested_columns: list[str]):
    """The Spark schema of ``prepare``'s output (plus ``row``) for these ingested columns."""
    from pyspark.sql import types as T

    sample = prepare(pd.DataFrame(columns=ingested_columns), entity_type)
    fields = [T.StructField(ROW, T.LongType(), False)]
    for name in sample.columns:
        kind = T.BooleanType() if name in VALID_COLUMNS else T.StringType()
        fields.append(T.StructField(name, kind, True))
    return T.StructType(fields)


def prepare_frame(ingested, entity_type: str):
    """linking.prepare over every partition of an ingested Spark DataFrame."""
    schema = prepared_schema(entity_type, [c for c in ingested.columns if c != ROW])

    def prepared(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            out = prepare(batch.drop(columns=[ROW]), entity_type)
            out.insert(0, ROW, batch[ROW].to_numpy(np.int64))
            yield out

    return ingested.mapInPandas(prepared, schema)


def collect(frame) -> pd.DataFrame:
    """A Spark DataFrame on the driver, through Parquet the executors write under
    ``spark.local.dir``: ``toPandas`` would hold every row in the driver's JVM heap first
    (millions of links with their evidence do not fit in a few GB); this holds them only
    in Python."""
    import shutil
    import uuid
    from pathlib import Path

    spark = frame.sparkSession
    path = Path(spark.conf.get("spark.local.dir")) / f"collect-{uuid.uuid4().hex}"
    try:
        frame.write.parquet(str(path))
        return pd.read_parquet(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)
