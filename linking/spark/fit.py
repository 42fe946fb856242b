"""Fit a LinkModel on Spark: the pairs stay on the executors, the driver gets counts.

The same estimates as linking.engine's fit (linking.fit), from aggregates instead of pairs:

* u: the same seeded random record pairs, compared on the executors; the driver gets how
  many pairs show each comparison pattern (level shares need nothing else).
* m: every candidate pair compared on the executors; per blocking pass, the driver gets
  the pattern counts of that pass's pairs, and EM runs over them
  (``linking.fit.m_from_pattern_counts``).
* the prior: the candidates scored by the model without a prior, on the executors; the
  driver gets how many pairs a rule makes sure, and each distinct weight with its count
  (``linking.fit.prior_over_all_pairs`` with counts).

What stays on the driver is what is one value per record, not per pair: the settings
(which come from the data), the term-frequency tables and the exact chance that two
records agree on a field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linking.compare import Comparator
from linking.em import pattern_codes
from linking.fit import (
    MIN_PASS_PAIRS,
    assemble,
    blocked_comparisons,
    count_all_pairs,
    m_from_pattern_counts,
    prior_over_all_pairs,
    term_frequencies,
    u_probabilities,
)
from linking.index import random_pairs
from linking.model import LinkModel, exact_agreement_chance
from linking.pairs import RULE_DIFFERENT_IDS, RULE_SAME_ID, RULES, IdentifierRule, score_pairs
from linking.settings import EntitySettings
from linking.spark.blocking import Blocked
from linking.spark.compare import Judged, records_of_batch, with_records


@dataclass(frozen=True)
class SparkFitInputs:
    """What fitting one entity type on Spark reads: the records prepared on the driver
    (for per-record values) and on Spark (for pairs), and the candidates."""

    prepared_local: pd.DataFrame
    prepared: object  # Spark DataFrame of the prepared records, with ``row``
    blocked: Blocked
    candidates: object  # Spark DataFrame (left, right): blocked plus judged-same pairs
    judged: Judged


def fit_on_spark(spark, settings: EntitySettings, inputs: SparkFitInputs) -> LinkModel:
    """The model of one entity type (module docstring)."""
    local, n = inputs.prepared_local, len(inputs.prepared_local)
    labels = Comparator(local.head(1), settings.comparisons, settings.chunk_size).labels
    n_levels = [len(lab) for lab in labels]
    k = len(n_levels)
    departments = local["department"].to_numpy()
    rl, rr = random_pairs(departments, settings.link_type, settings.u_sample)
    random = spark.createDataFrame(pd.DataFrame({"left": rl, "right": rr}))
    random_levels = _pattern_counts(_levels(with_records(random, inputs.prepared), settings,
                                            None, k), k)
    exact = [exact_agreement_chance(local[spec.field].to_numpy(dtype=object))
             for spec in settings.comparisons]
    u = u_probabilities(np.repeat(random_levels[0], random_levels[1], axis=0), n_levels, exact)

    leveled = _levels(with_records(inputs.candidates, inputs.prepared), settings,
                      inputs.judged, k).where("not ruled").localCheckpoint()
    patterns, counts, per_pass = _candidate_patterns(leveled, inputs.blocked, settings, k,
                                                     n_levels)
    m, iterations, u_agreeing = m_from_pattern_counts(
        patterns, counts, per_pass, n_levels, u, settings.em_max_iter, settings.em_tol,
        settings.group_indices())
    training = {"method": "em_per_blocking_pass", "iterations": iterations}
    tf = term_frequencies(settings, lambda f: local[f].to_numpy(dtype=object))
    unscaled = assemble(settings, labels, m, u, tf, 0.5, n, training, u_agreeing)
    sure, weights, weight_counts = _evidence(leveled, inputs.prepared, unscaled,
                                             inputs.judged, k)
    all_pairs = count_all_pairs(departments, settings.link_type)
    prior = prior_over_all_pairs(weights, sure, all_pairs, counts=weight_counts)
    training.update({"candidate_pairs": int(counts.sum()), "random_pairs": int(rl.size),
                     "all_record_pairs": all_pairs, "fitted_on": "spark"})
    return assemble(settings, labels, m, u, tf, prior, n, training, u_agreeing)


def _level_columns(k: int) -> list[str]:
    return [f"level_{i}" for i in range(k)]


def _levels(joined, settings: EntitySettings, judged: Judged | None, k: int):
    """(left, right, ruled, level_0, ...) of joined pairs: their comparison levels, and whether two
    different valid identifiers rule the pair out (never for random pairs, ``judged``
    None; not when a judgment joins it)."""
    schema = "left long, right long, ruled boolean, " + ", ".join(
        f"{c} byte" for c in _level_columns(k))

    def batches(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in frames:
            if len(batch):
                yield _level_batch(batch.reset_index(drop=True), settings, judged, k)

    return joined.mapInPandas(batches, schema)


def _level_batch(batch: pd.DataFrame, settings: EntitySettings, judged: Judged | None,
                 k: int) -> pd.DataFrame:
    m = len(batch)
    local = records_of_batch(batch)
    gl, gr = batch["left"].to_numpy(np.int64), batch["right"].to_numpy(np.int64)
    rows = np.arange(m)
    ruled = np.zeros(m, dtype=bool)
    if judged is not None:
        ids = IdentifierRule.of(local, settings)
        if ids is not None:
            ruled = ids.different(rows, rows + m) & ~np.isin(gl * judged.n + gr, judged.same)
    levels = np.full((m, k), -1, dtype=np.int8)
    keep = np.flatnonzero(~ruled)
    if keep.size:
        comparator = Comparator(local, settings.comparisons, settings.chunk_size, threads=1)
        levels[keep] = comparator.levels(keep, keep + m)
    out = pd.DataFrame(levels, columns=_level_columns(k))
    out.insert(0, "ruled", ruled)
    out.insert(0, "right", gr)
    out.insert(0, "left", gl)
    return out


def _pattern_counts(leveled, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(distinct level rows, their counts) of a leveled frame."""
    counted = leveled.groupBy(*_level_columns(k)).count().toPandas()
    return counted[_level_columns(k)].to_numpy(np.int8), counted["count"].to_numpy(np.int64)


def _candidate_patterns(leveled, blocked: Blocked, settings: EntitySettings, k: int,
                        n_levels: list[int]
                        ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, list[int]]]]:
    """The candidates' distinct patterns in linking.em's order with their counts, and per
    pass that learns (as ``linking.fit.m_per_pass`` chooses them) its counts of each."""
    columns = _level_columns(k)
    seen, seen_counts = _pattern_counts(leveled, k)
    patterns, _, inverse = pattern_codes(seen, n_levels)
    counts = np.bincount(inverse, weights=seen_counts.astype(np.float64),
                         minlength=len(patterns)).astype(np.int64)
    index = _row_index(patterns)
    by_pass = (blocked.by_pass.join(leveled, ["left", "right"])
               .groupBy("pass", *columns).count().toPandas())
    per_pass = []
    for number, bp in enumerate(settings.blocking):
        made = blocked.passes[number].pairs
        conditioned = blocked_comparisons(bp.keys, settings.comparisons)
        rows = by_pass[by_pass["pass"] == number]
        if made < MIN_PASS_PAIRS or len(conditioned) == k or rows["count"].sum() < MIN_PASS_PAIRS:
            continue
        at = [index[tuple(r)] for r in rows[columns].to_numpy(np.int8)]
        pass_counts = np.bincount(at, weights=rows["count"].to_numpy(np.float64),
                                  minlength=len(patterns))
        per_pass.append((pass_counts, conditioned))
    return patterns, counts, per_pass


def _row_index(patterns: np.ndarray) -> dict[tuple[int, ...], int]:
    return {tuple(row): i for i, row in enumerate(patterns.tolist())}


def _evidence(leveled, prepared, unscaled: LinkModel, judged: Judged, k: int
              ) -> tuple[int, np.ndarray, np.ndarray]:
    """How many candidates a rule makes sure matches, and the distinct weights (bits
    without a prior) of the undecided ones with how many pairs have each."""
    from pyspark.sql import functions as F

    same_id, different = RULES.index(RULE_SAME_ID), RULES.index(RULE_DIFFERENT_IDS)

    def batches(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in frames:
            if not len(batch):
                continue
            batch = batch.reset_index(drop=True)
            m = len(batch)
            local = records_of_batch(batch)
            rows = np.arange(m)
            comparator = Comparator(local, unscaled.settings.comparisons,
                                    unscaled.settings.chunk_size, threads=1)
            scored = score_pairs(unscaled, comparator, rows, rows + m,
                                 IdentifierRule.of(local, unscaled.settings),
                                 batch[_level_columns(k)].to_numpy(np.int8))
            codes = batch["left"].to_numpy(np.int64) * judged.n + batch["right"].to_numpy()
            sure = (scored.rule == same_id) | np.isin(codes, judged.same)
            yield pd.DataFrame({"weight": scored.total, "sure": sure,
                                "decided": sure | (scored.rule == different)})

    joined = with_records(leveled.drop("ruled"), prepared)
    weighed = joined.mapInPandas(batches, "weight double, sure boolean, decided boolean")
    sure = weighed.agg(F.sum(F.col("sure").cast("long"))).first()[0] or 0
    counted = weighed.where("not decided").groupBy("weight").count().toPandas()
    return (int(sure), counted["weight"].to_numpy(np.float64),
            counted["count"].to_numpy(np.float64))
