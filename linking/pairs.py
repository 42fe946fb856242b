"""Score: record pairs -> match weights, probabilities, deciding rule and evidence.

The model's Fellegi–Sunter weights decide a pair unless a deterministic rule does: the
same valid identifier (a sure match), two different valid identifiers (never a match), or
a human judgment. :class:`ScoredPairs` keeps, per pair, each comparison's level and bits,
so a link explains itself (``explanation(i)``, ``evidence()``) the same way whether it
came from a batch run or from ``LinkModel.explain``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linking.compare import Coded, Comparator
from linking.model import LinkModel
from linking.settings import EntitySettings

RULE_MODEL = "fellegi_sunter"
RULE_SAME_ID = "same_valid_id"
RULE_DIFFERENT_IDS = "different_valid_ids"
RULE_JUDGED_SAME = "judgment_same"
RULE_JUDGED_DIFFERENT = "judgment_different"
RULES = (RULE_MODEL, RULE_SAME_ID, RULE_DIFFERENT_IDS, RULE_JUDGED_SAME, RULE_JUDGED_DIFFERENT)
SURE = {RULE_SAME_ID: 1.0, RULE_JUDGED_SAME: 1.0, RULE_DIFFERENT_IDS: 0.0,
        RULE_JUDGED_DIFFERENT: 0.0}
# What a rule weighs when clustering: identifier rules outweigh any evidence, and a human
# judgment outweighs the identifier rules (a reviewer may merge records with two ids).
# (300 x 300 pairs of 100 bits sum to 9e6: evidence can never outvote a rule)
RULE_WEIGHT = {RULE_SAME_ID: 1e9, RULE_DIFFERENT_IDS: -1e9, RULE_JUDGED_SAME: 1e15,
               RULE_JUDGED_DIFFERENT: -1e15}


@dataclass
class ScoredPairs:
    """Per-pair comparison levels, bits per comparison, total bits and deciding rule."""

    model: LinkModel
    left: np.ndarray
    right: np.ndarray
    levels: np.ndarray
    contributions: np.ndarray
    total: np.ndarray
    rule: np.ndarray

    @property
    def probability(self) -> np.ndarray:
        """Match probability; 1 or 0 where a deterministic rule decided."""
        prob = 1.0 / (1.0 + np.exp2(-np.clip(self.total, -1000, 1000)))
        for name, value in SURE.items():
            prob[self.rule == RULES.index(name)] = value
        return prob

    def cluster_weight(self, threshold_bits: float) -> np.ndarray:
        """Bits above the threshold per pair, or the deciding rule's weight."""
        weight = self.total - threshold_bits
        for name, value in RULE_WEIGHT.items():
            weight[self.rule == RULES.index(name)] = value
        return weight

    def explanation(self, i: int) -> dict:
        """The evidence of pair ``i`` as a dict (what links.csv holds as JSON)."""
        return json.loads(self.evidence(np.array([i]))[0])

    def evidence(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Compact JSON evidence per pair (``rows`` selects pairs), built column-wise."""
        rows = np.arange(self.total.size) if rows is None else np.asarray(rows)
        return evidence_json(self.model, self.levels[rows], self.contributions[rows],
                             self.rule[rows], self.total[rows])


def _formatted(values: np.ndarray) -> np.ndarray:
    """Numbers rounded to 2 decimals as strings; each distinct value is formatted once."""
    rounded = np.round(values.astype(float), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    uniq, inverse = np.unique(rounded, return_inverse=True)
    text = np.array([repr(float(u)) for u in uniq], dtype=object)
    return text[inverse.ravel()]


def evidence_json(model: LinkModel, levels: np.ndarray, contributions: np.ndarray,
                  rule: np.ndarray, total: np.ndarray) -> np.ndarray:
    """``{"rule":..,"total":bits,"cmp":{field:[level, bits],..}}`` per pair, no row loop."""
    m = levels.shape[0]
    if m == 0:
        return np.empty(0, dtype=object)
    rule_text = np.array([f'{{"rule":"{r}","total":' for r in RULES], dtype=object)
    columns = [rule_text[rule], _formatted(total), np.full(m, ',"cmp":{', dtype=object)]
    for k, comparison in enumerate(model.comparisons):
        key = ("," if k else "") + json.dumps(comparison.spec.field, ensure_ascii=False)
        label_text = np.array([f'{key}:["{x}",' for x in (*comparison.labels, "missing")],
                              dtype=object)
        lev = levels[:, k].astype(np.int64)  # -1 (missing) indexes the last label
        columns += [label_text[lev], _formatted(contributions[:, k]),
                    np.full(m, "]", dtype=object)]
    columns.append(np.full(m, "}}", dtype=object))
    return np.array(["".join(parts) for parts in zip(*columns, strict=True)], dtype=object)


@dataclass
class IdentifierRule:
    """The strong identifier per record as an int code (-1 where absent or invalid)."""

    code: np.ndarray

    @classmethod
    def of(cls, prepared: pd.DataFrame, es: EntitySettings) -> IdentifierRule | None:
        if not (es.id_field and es.id_valid_field) or es.id_field not in prepared.columns:
            return None
        valid = prepared[es.id_valid_field].to_numpy(dtype=bool)
        codes = pd.factorize(prepared[es.id_field])[0]
        return cls(np.where(valid, codes, -1).astype(np.int64))

    @classmethod
    def of_columns(cls, columns: dict[str, Coded], es: EntitySettings
                   ) -> IdentifierRule | None:
        """``of`` over coded columns (equal codes are equal values)."""
        if not (es.id_field and es.id_valid_field) or es.id_field not in columns:
            return None
        valid = np.asarray(columns[es.id_valid_field].values(), dtype=bool)
        return cls(np.where(valid, columns[es.id_field].codes, -1).astype(np.int64))

    def same(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return (self.code[left] >= 0) & (self.code[left] == self.code[right])

    def different(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return (self.code[left] >= 0) & (self.code[right] >= 0) & \
            (self.code[left] != self.code[right])


def score_pairs(model: LinkModel, comparator: Comparator, left: np.ndarray, right: np.ndarray,
                ids: IdentifierRule | None = None, levels: np.ndarray | None = None,
                progress: bool = False) -> ScoredPairs:
    """Score row pairs of the comparator's frame (levels are computed unless given)."""
    if levels is None:
        levels = comparator.levels(left, right, progress=progress)
    contributions = model.contributions(levels, comparator.tf_bits(model, left, right))
    total = model.prior_weight + contributions.sum(axis=1, dtype=np.float64)
    rule = np.zeros(left.size, dtype=np.int8)
    if ids is not None:
        rule[ids.same(left, right)] = RULES.index(RULE_SAME_ID)
        rule[ids.different(left, right)] = RULES.index(RULE_DIFFERENT_IDS)
    return ScoredPairs(model, left, right, levels, contributions, total, rule)


def apply_judgments(scored: ScoredPairs, same: np.ndarray, different: np.ndarray, n: int
                    ) -> None:
    """Human judgments (pair codes left * n + right) override every other rule."""
    codes = scored.left.astype(np.int64) * n + scored.right
    scored.rule[np.isin(codes, same)] = RULES.index(RULE_JUDGED_SAME)
    scored.rule[np.isin(codes, different)] = RULES.index(RULE_JUDGED_DIFFERENT)


def score_record_pairs(model: LinkModel, left: pd.DataFrame, right: pd.DataFrame
                       ) -> ScoredPairs:
    """Score left row i against right row i for records given as canonical fields."""
    from linking.prepare import prepare

    if len(left) != len(right):
        raise ValueError(f"score: {len(left)} left records but {len(right)} right records")
    both = pd.concat([left, right], ignore_index=True)
    for column in ("department", "record_id"):
        if column not in both.columns:
            both[column] = ""
    prepared = prepare(both, model.entity_type)
    comparator = Comparator(prepared, [c.spec for c in model.comparisons])
    rows = np.arange(len(left))
    return score_pairs(model, comparator, rows, rows + len(left),
                       IdentifierRule.of(prepared, model.settings))
