"""Compare: multi-level comparison features, one class per field kind.

Each feature is a recordlinkage ``BaseCompareFeature`` (so it also works inside
``recordlinkage.Compare``) whose ``_compute_vectorized`` returns an int8 level per pair:
-1 when either side is missing, 0 for "different" and higher levels for closer agreement.
String similarities use rapidfuzz's batch ``cpdist`` on both cores; dates and codes use
numpy. The engine calls the vectorised method directly on chunks of positional arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from recordlinkage.base import BaseCompareFeature

from linking.settings import ComparisonSpec

MISSING = -1


def _strings(values) -> tuple[np.ndarray, np.ndarray]:
    """(object array with '' for missing, missing mask)."""
    arr = np.asarray(values, dtype=object)
    missing = pd.isna(arr)
    if missing.any():
        arr = arr.copy()
        arr[missing] = ""
    return arr, missing


def _sim(scorer, left: np.ndarray, right: np.ndarray, **kw) -> np.ndarray:
    if left.size == 0:
        return np.empty(0, dtype=np.float64)
    return process.cpdist(left, right, scorer=scorer, workers=-1, **kw)


class LevelFeature(BaseCompareFeature):
    """Base of the multi-level features: labels name each level (index = level)."""

    level_labels: tuple[str, ...] = ("different", "exact")

    def __init__(self, left_on, right_on=None, thresholds=None, label=None):
        super().__init__(left_on, right_on if right_on is not None else left_on, label=label)
        if thresholds is not None:
            self.thresholds = tuple(thresholds)

    @property
    def n_levels(self) -> int:
        return len(self.level_labels)

    def _finish(self, level: np.ndarray, missing: np.ndarray) -> np.ndarray:
        level = level.astype(np.int8)
        level[missing] = MISSING
        return level


class ExactFeature(LevelFeature):
    """Equal or not (sex, email, ethnicity...)."""

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        return self._finish(left == right, ml | mr)


class NameFeature(LevelFeature):
    """Names: exact, same pinyin (homophone), Jaro-Winkler on pinyin above thresholds.

    Takes (name, pinyin) on each side when pinyin is available, else the name alone; for
    Western names pinyin equals the normalised name so the homophone level is never used.
    """

    thresholds = (0.92, 0.80)

    @property
    def level_labels(self):
        hi, lo = self.thresholds
        return ("different", f"jw>={lo:.2f}", f"jw>={hi:.2f}", "same_pinyin", "exact")

    def _compute_vectorized(self, *columns):
        half = len(columns) // 2
        name_l, ml = _strings(columns[0])
        name_r, mr = _strings(columns[half])
        if half == 2:
            pin_l, pml = _strings(columns[1])
            pin_r, pmr = _strings(columns[3])
            pin_l = np.where(pml, name_l, pin_l)
            pin_r = np.where(pmr, name_r, pin_r)
        else:
            pin_l, pin_r = name_l, name_r
        hi, lo = self.thresholds
        jw = _sim(JaroWinkler.normalized_similarity, pin_l, pin_r)
        level = np.where(jw >= hi, 2, np.where(jw >= lo, 1, 0))
        level = np.where(pin_l == pin_r, 3, level)
        level = np.where(name_l == name_r, 4, level)
        return self._finish(level, ml | mr)


class IdentifierFeature(LevelFeature):
    """Identifiers: exact, one edit (typo or transposition, OSA), two edits."""

    level_labels = ("different", "2_edits", "1_edit", "exact")

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        dist = _sim(OSA.distance, left, right, dtype=np.int32)
        level = np.select([dist == 0, dist == 1, dist == 2], [3, 2, 1], 0)
        return self._finish(level, ml | mr)


class PostcodeFeature(LevelFeature):
    """Postcodes: exact or one digit off."""

    level_labels = ("different", "1_edit", "exact")

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        dist = _sim(Levenshtein.distance, left, right, dtype=np.int32)
        return self._finish(np.select([dist == 0, dist == 1], [2, 1], 0), ml | mr)


class PhoneFeature(LevelFeature):
    """Phones: exact, or same last 7 digits / one digit off (area-code and typo noise)."""

    level_labels = ("different", "near", "exact")

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        dist = _sim(Levenshtein.distance, left, right, dtype=np.int32)
        tail_l = pd.Series(left).str[-7:].to_numpy()
        tail_r = pd.Series(right).str[-7:].to_numpy()
        level = np.select([dist == 0, (dist == 1) | (tail_l == tail_r)], [2, 1], 0)
        return self._finish(level, ml | mr)


class DateFeature(LevelFeature):
    """YYYYMMDD dates: exact, one typo or day/month swap, same year."""

    level_labels = ("different", "same_year", "typo_or_swap", "exact")

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        lv = pd.to_numeric(pd.Series(left), errors="coerce").fillna(0).to_numpy(np.int64)
        rv = pd.to_numeric(pd.Series(right), errors="coerce").fillna(0).to_numpy(np.int64)
        ly, lm, ld = lv // 10000, lv // 100 % 100, lv % 100
        ry, rm, rd = rv // 10000, rv // 100 % 100, rv % 100
        swap = (ly == ry) & (lm == rd) & (ld == rm)
        dist = _sim(Levenshtein.distance, left, right, dtype=np.int32)
        level = np.select([lv == rv, (dist == 1) | swap, ly == ry], [3, 2, 1], 0)
        return self._finish(level, ml | mr)


class TextFeature(LevelFeature):
    """Free text such as addresses: token-set similarity levels."""

    thresholds = (0.90, 0.70)

    @property
    def level_labels(self):
        hi, lo = self.thresholds
        return ("different", f"tsr>={lo:.2f}", f"tsr>={hi:.2f}", "exact")

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        hi, lo = self.thresholds
        sim = _sim(fuzz.token_set_ratio, left, right) / 100.0
        level = np.where(left == right, 3, np.where(sim >= hi, 2, np.where(sim >= lo, 1, 0)))
        return self._finish(level, ml | mr)


class CategoryFeature(LevelFeature):
    """Categorical text (city, birth place, occupation): exact or a near spelling."""

    thresholds = (0.88,)

    @property
    def level_labels(self):
        return ("different", f"jw>={self.thresholds[0]:.2f}", "exact")

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        jw = _sim(JaroWinkler.normalized_similarity, left, right)
        level = np.where(left == right, 2, np.where(jw >= self.thresholds[0], 1, 0))
        return self._finish(level, ml | mr)


class RegionFeature(LevelFeature):
    """GB/T 2260 division codes: same county, same prefecture (first 4 digits)."""

    level_labels = ("different", "same_prefecture", "exact")

    def _compute_vectorized(self, s_left, s_right):
        left, ml = _strings(s_left)
        right, mr = _strings(s_right)
        pre_l = pd.Series(left).str[:4].to_numpy()
        pre_r = pd.Series(right).str[:4].to_numpy()
        level = np.where(left == right, 2, np.where(pre_l == pre_r, 1, 0))
        return self._finish(level, ml | mr)


FEATURES: dict[str, type[LevelFeature]] = {
    "name": NameFeature, "identifier": IdentifierFeature, "date": DateFeature,
    "phone": PhoneFeature, "text": TextFeature, "postcode": PostcodeFeature,
    "category": CategoryFeature, "region": RegionFeature, "exact": ExactFeature,
}
_PINYIN_OF = {"name": "name_pinyin", "name_core": "name_pinyin"}


def make_feature(spec: ComparisonSpec, prepared: pd.DataFrame) -> LevelFeature:
    """The feature for one comparison spec over the columns the prepared frame has."""
    if spec.field not in prepared.columns:
        raise ValueError(f"comparison {spec.field!r}: no such column; available: "
                         f"{', '.join(prepared.columns)}")
    cls = FEATURES[spec.kind]
    columns = spec.field
    pinyin = _PINYIN_OF.get(spec.field)
    if spec.kind == "name" and pinyin in prepared.columns and not (
            spec.field == "name" and "name_core" in prepared.columns):
        columns = (spec.field, pinyin)
    return cls(columns, columns, thresholds=spec.thresholds, label=spec.field)


def feature_columns(feature: LevelFeature) -> tuple[str, ...]:
    cols = feature.labels_left
    return (cols,) if isinstance(cols, str) else tuple(cols)


def compare_chunk(features: list[LevelFeature], arrays: dict[str, np.ndarray],
                  left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Levels (pairs x comparisons, int8) for one chunk of row-index pairs."""
    out = np.empty((left.size, len(features)), dtype=np.int8)
    for k, feature in enumerate(features):
        cols = feature_columns(feature)
        args = [arrays[c][left] for c in cols] + [arrays[c][right] for c in cols]
        out[:, k] = feature._compute_vectorized(*args)
    return out
