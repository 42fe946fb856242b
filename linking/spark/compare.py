"""Compare and score on Spark: each partition of candidate pairs, with both records' prepared
columns, goes through linking.compare's Comparator and linking.pairs.score_pairs, the same
comparators and scoring as the local engine (every level and bit depends only on the two
records' values and the model, so a partition scores a pair as the whole frame would).

Pairs two different valid identifiers rule out (and no judgment joins) are not compared,
as in the local engine; they come out with ``compared`` false so they can be counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from linking.compare import Comparator
from linking.model import LinkModel
from linking.pairs import IdentifierRule, apply_judgments, score_pairs

SCORED_SCHEMA = ("left long, right long, compared boolean, weight double, "
                 "probability double, rule byte, evidence string")


@dataclass(frozen=True)
class Judged:
    """Human judgments as pair codes (left * n + right over the run's row numbers)."""

    same: np.ndarray
    different: np.ndarray
    n: int


def with_records(pairs, prepared):
    """Candidate pairs with both records' prepared columns (``l_``/``r_`` prefixed)."""
    from pyspark.sql import functions as F

    columns = [c for c in prepared.columns if c != "row"]
    left = prepared.select(F.col("row").alias("left"),
                           *[F.col(c).alias(f"l_{c}") for c in columns])
    right = prepared.select(F.col("row").alias("right"),
                            *[F.col(c).alias(f"r_{c}") for c in columns])
    return pairs.join(left, "left").join(right, "right")


def _side(batch: pd.DataFrame, prefix: str) -> pd.DataFrame:
    side = batch[[c for c in batch.columns if c.startswith(prefix)]]
    return side.rename(columns=lambda c: c[len(prefix):])


def records_of_batch(batch: pd.DataFrame) -> pd.DataFrame:
    """The records of a batch of joined pairs as one frame: pair i is rows (i, m + i)."""
    return pd.concat([_side(batch, "l_"), _side(batch, "r_")], ignore_index=True)


def score_batch(batch: pd.DataFrame, model: LinkModel, judged: Judged) -> pd.DataFrame:
    """Scored pairs of one batch of joined candidate pairs (see the module docstring)."""
    m = len(batch)
    local = records_of_batch(batch)
    gl, gr = batch["left"].to_numpy(np.int64), batch["right"].to_numpy(np.int64)
    rows = np.arange(m)
    ids = IdentifierRule.of(local, model.settings)
    ruled = ids.different(rows, rows + m) if ids is not None else np.zeros(m, dtype=bool)
    ruled &= ~np.isin(gl * judged.n + gr, judged.same)
    keep = np.flatnonzero(~ruled)
    out = pd.DataFrame({"left": gl, "right": gr, "compared": ~ruled,
                        "weight": np.nan, "probability": np.nan,
                        "rule": np.zeros(m, dtype=np.int8), "evidence": None})
    if keep.size == 0:
        return out
    comparator = Comparator(local, model.settings.comparisons, model.settings.chunk_size,
                            threads=1)
    scored = score_pairs(model, comparator, keep, keep + m, ids)
    apply_judgments(replace(scored, left=gl[keep], right=gr[keep]), judged.same,
                    judged.different, judged.n)
    weight = scored.cluster_weight(model.threshold_weight)
    out.loc[keep, "weight"] = weight
    out.loc[keep, "probability"] = np.round(scored.probability, 6)
    out.loc[keep, "rule"] = scored.rule
    accepted = np.flatnonzero(weight >= 0)
    evidence = np.full(m, None, dtype=object)
    evidence[keep[accepted]] = scored.evidence(accepted)
    out["evidence"] = evidence
    return out


def score_candidates(joined, model: LinkModel, judged: Judged):
    """Every joined candidate pair scored on the executors (``SCORED_SCHEMA``)."""

    def scored(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            if len(batch):
                yield score_batch(batch.reset_index(drop=True), model, judged)

    return joined.mapInPandas(scored, SCORED_SCHEMA)
