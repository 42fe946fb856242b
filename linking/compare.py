"""Compare: multi-level comparison features, one class per field kind.

Each feature is a recordlinkage ``BaseCompareFeature`` (so it also works inside
``recordlinkage.Compare``) whose ``_compute_vectorized`` returns an int8 level per pair:
-1 when either side is missing, 0 for "different" and higher levels for closer agreement.
String similarities use rapidfuzz's batch ``cpdist`` on both cores; dates and codes use
numpy. The engine calls the vectorised method directly on chunks of positional arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from recordlinkage.base import BaseCompareFeature

from linking.settings import ComparisonSpec

MISSING = -1


@dataclass(frozen=True)
class Coded:
    """A column as integer codes (-1 missing) into a vocabulary of distinct values."""

    codes: np.ndarray
    vocab: np.ndarray

    @classmethod
    def of(cls, values) -> Coded:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        return cls(codes.astype(np.int64), np.asarray(uniques, dtype=object))

    def take(self, rows: np.ndarray) -> Coded:
        return Coded(self.codes[rows], self.vocab)

    def values(self) -> np.ndarray:
        """The values as an object array (None where missing)."""
        out = np.full(self.codes.size, None, dtype=object)
        present = self.codes >= 0
        out[present] = self.vocab[self.codes[present]]
        return out


@dataclass(frozen=True)
class Extended:
    """A vocabulary with values appended, without copying the base (an index's vocabulary
    of a million values, extended by the few a batch of queries brings)."""

    base: np.ndarray
    extra: np.ndarray

    @property
    def size(self) -> int:
        return self.base.size + self.extra.size

    def __getitem__(self, codes: np.ndarray) -> np.ndarray:
        codes = np.asarray(codes)
        out = np.empty(codes.shape, dtype=object)
        low = codes < self.base.size
        out[low] = self.base[codes[low]]
        out[~low] = self.extra[codes[~low] - self.base.size]
        return out


def hashed(distinct: np.ndarray) -> pd.Index:
    """Distinct values as a pd.Index with its hash table built now: pandas builds it at the
    first lookup, which would otherwise be some query's (seconds at a million values)."""
    index = pd.Index(distinct)
    index.get_indexer(distinct[:1])
    return index


@dataclass(frozen=True)
class CodedTable:
    """Columns coded over vocabularies that outlive a batch (an index's), each with its
    value -> code lookup, so that a batch of new values is coded against them instead of
    coding both sides again."""

    columns: dict[str, Coded]
    lookups: dict[str, pd.Index]

    @classmethod
    def of(cls, frame: pd.DataFrame, names) -> CodedTable:
        columns = {c: Coded.of(frame[c].to_numpy(dtype=object)) for c in names}
        return cls(columns, {c: hashed(coded.vocab) for c, coded in columns.items()})

    def take(self, rows: np.ndarray) -> CodedTable:
        return CodedTable({c: coded.take(rows) for c, coded in self.columns.items()},
                          self.lookups)

    def after(self, name: str, values: np.ndarray) -> Coded:
        """``values`` followed by this table's column ``name``, as one column coded over the
        column's vocabulary (values it lacks are appended to it)."""
        column = self.columns[name]
        values = np.asarray(values, dtype=object)
        codes = self.lookups[name].get_indexer(values).astype(np.int64)
        new = (codes < 0) & pd.notna(values)
        vocab = column.vocab
        if new.any():
            fresh, extra = pd.factorize(values[new])
            codes[new] = vocab.size + fresh
            vocab = Extended(vocab, np.asarray(extra, dtype=object))
        return Coded(np.concatenate([codes, column.codes]), vocab)


def _shared(s_left, s_right) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of both sides over one shared vocabulary."""
    if isinstance(s_left, Coded) and isinstance(s_right, Coded) and s_left.vocab is s_right.vocab:
        return s_left.codes, s_right.codes, s_left.vocab
    left = s_left.values() if isinstance(s_left, Coded) else np.asarray(s_left, dtype=object)
    right = s_right.values() if isinstance(s_right, Coded) else np.asarray(s_right,
                                                                            dtype=object)
    both = Coded.of(np.concatenate([left, right]))
    return both.codes[:left.size], both.codes[left.size:], both.vocab


class _Distinct:
    """The distinct (left value, right value) combinations of a batch of pairs.

    Similarities are computed once per combination and spread back, so a name pair seen a
    thousand times is compared once.
    """

    def __init__(self, s_left, s_right) -> None:
        cl, cr, vocab = _shared(s_left, s_right)
        self.size = cl.size
        self.missing = (cl < 0) | (cr < 0)
        v = max(vocab.size, 1)
        key = np.where(self.missing, -1, cl * v + cr)
        inverse, uniq = pd.factorize(key)
        self.inverse = inverse
        self._n = uniq.size
        ok = uniq >= 0
        self.left = np.full(uniq.size, "", dtype=object)
        self.right = np.full(uniq.size, "", dtype=object)
        self.left[ok] = vocab[uniq[ok] // v]
        self.right[ok] = vocab[uniq[ok] % v]
        self.same = np.zeros(uniq.size, dtype=bool)
        self.same[ok] = (uniq[ok] // v) == (uniq[ok] % v)

    @property
    def first(self) -> np.ndarray:
        """Index of the first pair showing each combination: ``pd.factorize`` numbers the
        combinations in order of appearance, so combination k first shows where the codes
        first exceed k - 1."""
        before = np.maximum.accumulate(np.concatenate([[-1], self.inverse[:-1]]))
        return np.flatnonzero(self.inverse > before)

    def spread(self, level: np.ndarray) -> np.ndarray:
        out = np.asarray(level, dtype=np.int8)[self.inverse]
        out[self.missing] = MISSING
        return out


PARALLEL_FROM = 20_000  # pairs: below this, starting cpdist's threads costs more than it saves


def _sim(scorer, left: np.ndarray, right: np.ndarray, **kw) -> np.ndarray:
    if left.size == 0:
        return np.empty(0, dtype=np.float64)
    workers = -1 if left.size >= PARALLEL_FROM else 1
    return process.cpdist(left, right, scorer=scorer, workers=workers, **kw)


class LevelFeature(BaseCompareFeature):
    """Base of the multi-level features: labels name each level (index = level).

    Subclasses implement ``_levels(d)`` over the distinct value combinations ``d`` (a
    ``_Distinct``); ``_compute_vectorized`` accepts arrays/Series or ``Coded`` columns.
    """

    level_labels: tuple[str, ...] = ("different", "exact")

    def __init__(self, left_on, right_on=None, thresholds=None, label=None):
        super().__init__(left_on, right_on if right_on is not None else left_on, label=label)
        if thresholds is not None:
            self.thresholds = tuple(thresholds)

    @property
    def n_levels(self) -> int:
        return len(self.level_labels)

    def _compute_vectorized(self, *columns):
        half = len(columns) // 2
        d = _Distinct(columns[0], columns[half])
        first = d.first
        extra = [(self._values(columns[i], first), self._values(columns[half + i], first))
                 for i in range(1, half)]
        return d.spread(self._levels(d, *extra))

    @staticmethod
    def _values(column, rows: np.ndarray) -> np.ndarray:
        """The values of a column at the given rows (None where missing)."""
        if not isinstance(column, Coded):
            return np.asarray(column, dtype=object)[rows]
        return column.take(rows).values()

    def _levels(self, d: _Distinct, *extra) -> np.ndarray:
        raise NotImplementedError


class ExactFeature(LevelFeature):
    """Equal or not (sex, email, ethnicity...)."""

    def _levels(self, d, *extra):
        return d.same.astype(np.int8)


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

    @staticmethod
    def _compared(d, *extra) -> tuple[np.ndarray, np.ndarray]:
        """The values the similarity levels compare: the pinyin where given, else the name."""
        if not extra:
            return d.left, d.right
        pl, pr = extra[0]
        return np.where(pd.isna(pl), d.left, pl), np.where(pd.isna(pr), d.right, pr)

    def _levels(self, d, *extra):
        pin_l, pin_r = self._compared(d, *extra)
        hi, lo = self.thresholds
        jw = _sim(JaroWinkler.normalized_similarity, pin_l, pin_r)
        level = np.where(jw >= hi, 2, np.where(jw >= lo, 1, 0))
        level = np.where(pin_l == pin_r, 3, level)
        return np.where(d.same, 4, level)


class PersonNameFeature(NameFeature):
    """Whole person names: the name levels, but a similarity level needs every word of the
    shorter name to have a counterpart in the other (a close spelling or its initial).

    Two members of one family share the family name, so their whole names are close by
    Jaro-Winkler (Roy O'Sullivan / Ryan O'Sullivan, zhang wei / zhang fang) although the
    given names differ: such pairs are "different", not a near spelling.
    """

    def _levels(self, d, *extra):
        level = super()._levels(d, *extra)
        near = np.flatnonzero((level == 1) | (level == 2))
        if near.size:
            pin_l, pin_r = self._compared(d, *extra)
            whole = _words_have_counterparts(pin_l[near], pin_r[near], self.thresholds[-1])
            level[near[~whole]] = 0
        return level


def _words(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All words of the values, and the number of words of each value."""
    split = [value.split() for value in values.tolist()]
    counts = np.fromiter((len(w) for w in split), dtype=np.int64, count=len(split))
    return np.array([w for ws in split for w in ws], dtype=object), counts


def _words_have_counterparts(left: np.ndarray, right: np.ndarray, lo: float) -> np.ndarray:
    """Per pair of names: every word of the name with fewer words (of both, when they have
    as many) matches a word of the other at Jaro-Winkler >= ``lo`` or is its initial."""
    lw, nl = _words(left)
    rw, nr = _words(right)
    l_start, r_start = np.cumsum(nl) - nl, np.cumsum(nr) - nr
    per_pair = nl * nr
    pair = np.repeat(np.arange(left.size), per_pair)
    k = np.arange(pair.size) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    li = l_start[pair] + k // nr[pair]  # every (left word, right word) of each pair
    ri = r_start[pair] + k % nr[pair]
    a, b = lw[li], rw[ri]
    ok = _sim(JaroWinkler.normalized_similarity, a, b) >= lo
    ok |= _is_initial_of(a, b) | _is_initial_of(b, a)
    l_found = np.zeros(lw.size, dtype=bool)
    r_found = np.zeros(rw.size, dtype=bool)
    np.logical_or.at(l_found, li, ok)
    np.logical_or.at(r_found, ri, ok)
    l_all = np.bincount(np.repeat(np.arange(left.size), nl)[~l_found], minlength=left.size) == 0
    r_all = np.bincount(np.repeat(np.arange(right.size), nr)[~r_found],
                        minlength=right.size) == 0
    return (l_all | (nl > nr)) & (r_all | (nr > nl))


def _is_initial_of(short: np.ndarray, word: np.ndarray) -> np.ndarray:
    return np.array([len(s) == 1 and w.startswith(s)
                     for s, w in zip(short.tolist(), word.tolist(), strict=True)], dtype=bool)


class IdentifierFeature(LevelFeature):
    """Identifiers: exact, one edit (typo or transposition, OSA), two edits."""

    level_labels = ("different", "2_edits", "1_edit", "exact")

    def _levels(self, d, *extra):
        dist = _sim(OSA.distance, d.left, d.right, dtype=np.int32)
        return np.select([d.same, dist == 1, dist == 2], [3, 2, 1], 0)


class PostcodeFeature(LevelFeature):
    """Postcodes: exact or one digit off."""

    level_labels = ("different", "1_edit", "exact")

    def _levels(self, d, *extra):
        dist = _sim(Levenshtein.distance, d.left, d.right, dtype=np.int32)
        return np.select([d.same, dist == 1], [2, 1], 0)


class PhoneFeature(LevelFeature):
    """Phones: exact, or same last 7 digits / one digit off (area-code and typo noise)."""

    level_labels = ("different", "near", "exact")

    def _levels(self, d, *extra):
        dist = _sim(Levenshtein.distance, d.left, d.right, dtype=np.int32)
        tail_l, tail_r = _heads(d.left, -7), _heads(d.right, -7)
        return np.select([d.same, (dist == 1) | (tail_l == tail_r)], [2, 1], 0)


def _yyyymmdd(values: np.ndarray) -> np.ndarray:
    """YYYYMMDD strings as integers (0 where not 8 ASCII digits): the text as a 9-wide
    code-point matrix (a longer value shows in the ninth column), in numpy."""
    points = np.asarray(values, dtype=object).astype("U9").view(np.uint32)
    points = points.reshape(-1, 9).astype(np.int64)
    digits = points[:, :8] - 48
    ok = ((digits >= 0) & (digits <= 9)).all(axis=1) & (points[:, 8] == 0)
    return np.where(ok, digits @ 10 ** np.arange(7, -1, -1, dtype=np.int64), 0)


def _heads(values: np.ndarray, width: int) -> np.ndarray:
    """The first ``width`` characters of each string (the last when negative)."""
    cut = slice(None, width) if width > 0 else slice(width, None)
    return np.array([value[cut] for value in values.tolist()], dtype=object)


class DateFeature(LevelFeature):
    """YYYYMMDD dates: exact, one typo or day/month swap, then how far apart (a month, a
    year, ten years): reporting errors in birth dates are often near misses, not typos."""

    level_labels = ("different", "within_10_years", "within_1_year", "within_1_month",
                    "typo_or_swap", "exact")

    def _levels(self, d, *extra):
        lv, rv = _yyyymmdd(d.left), _yyyymmdd(d.right)
        ly, lm, ld = lv // 10000, lv // 100 % 100, lv % 100
        ry, rm, rd = rv // 10000, rv // 100 % 100, rv % 100
        swap = (ly == ry) & (lm == rd) & (ld == rm)
        dist = _sim(Levenshtein.distance, d.left, d.right, dtype=np.int32)
        # approximate day numbers: exact enough for month / year / decade bands
        days = np.abs((ly - ry) * 365.25 + (lm - rm) * 30.44 + (ld - rd))
        valid = (lv > 0) & (rv > 0)
        return np.select([d.same, (dist == 1) | swap, valid & (days <= 31),
                          valid & (days <= 366), valid & (days <= 3653)], [5, 4, 3, 2, 1], 0)


class TextFeature(LevelFeature):
    """Free text such as addresses: token-set similarity levels."""

    thresholds = (0.90, 0.70)

    @property
    def level_labels(self):
        hi, lo = self.thresholds
        return ("different", f"tsr>={lo:.2f}", f"tsr>={hi:.2f}", "exact")

    def _levels(self, d, *extra):
        hi, lo = self.thresholds
        sim = _sim(fuzz.token_set_ratio, d.left, d.right) / 100.0
        return np.where(d.same, 3, np.where(sim >= hi, 2, np.where(sim >= lo, 1, 0)))


class CategoryFeature(LevelFeature):
    """Categorical text (city, birth place, occupation): exact or a near spelling."""

    thresholds = (0.88,)

    @property
    def level_labels(self):
        return ("different", f"jw>={self.thresholds[0]:.2f}", "exact")

    def _levels(self, d, *extra):
        jw = _sim(JaroWinkler.normalized_similarity, d.left, d.right)
        return np.where(d.same, 2, np.where(jw >= self.thresholds[0], 1, 0))


class EmailFeature(LevelFeature):
    """E-mail addresses: exact, same user name, Jaro-Winkler on the whole or the user name."""

    thresholds = (0.88,)
    level_labels = ("different", "user_jw", "jw", "same_user", "exact")

    def _levels(self, d, *extra):
        hi = self.thresholds[0]
        user_l = pd.Series(d.left, dtype=object).str.split("@").str[0].to_numpy(dtype=object)
        user_r = pd.Series(d.right, dtype=object).str.split("@").str[0].to_numpy(dtype=object)
        jw = _sim(JaroWinkler.normalized_similarity, d.left, d.right)
        user_jw = _sim(JaroWinkler.normalized_similarity, user_l, user_r)
        return np.select([d.same, user_l == user_r, jw >= hi, user_jw >= hi], [4, 3, 2, 1], 0)


class RegionFeature(LevelFeature):
    """GB/T 2260 division codes: same county, same prefecture (first 4 digits)."""

    level_labels = ("different", "same_prefecture", "exact")

    def _levels(self, d, *extra):
        pre_l, pre_r = _heads(d.left, 4), _heads(d.right, 4)
        return np.where(d.same, 2, np.where(pre_l == pre_r, 1, 0))


FEATURES: dict[str, type[LevelFeature]] = {
    "name": NameFeature, "person_name": PersonNameFeature, "identifier": IdentifierFeature,
    "date": DateFeature, "phone": PhoneFeature, "text": TextFeature,
    "postcode": PostcodeFeature, "category": CategoryFeature, "region": RegionFeature,
    "exact": ExactFeature, "email": EmailFeature,
}
_PINYIN_OF = {"name": "name_pinyin", "name_core": "name_pinyin"}


def make_feature(spec: ComparisonSpec, available) -> LevelFeature:
    """The feature for one comparison spec over the columns a prepared frame has."""
    available = list(available)
    if spec.field not in available:
        raise ValueError(f"comparison {spec.field!r}: no such column; available: "
                         f"{', '.join(available)}")
    cls = FEATURES[spec.kind]
    columns = spec.field
    pinyin = _PINYIN_OF.get(spec.field)
    if spec.kind in ("name", "person_name") and pinyin in available and not (
            spec.field == "name" and "name_core" in available):
        columns = (spec.field, pinyin)
    return cls(columns, columns, thresholds=spec.thresholds, label=spec.field)


def columns_read(specs, available) -> list[str]:
    """The columns of a prepared frame (with columns ``available``) that ``make_feature``
    may read for these specs: each spec's field, its pinyin and ``name_core`` (which
    decides whether ``name`` is compared with its pinyin)."""
    wanted = {spec.field for spec in specs} | {"name_core"} | {
        _PINYIN_OF[spec.field] for spec in specs if spec.field in _PINYIN_OF}
    return [c for c in available if c in wanted]


def feature_columns(feature: LevelFeature) -> tuple[str, ...]:
    cols = feature.labels_left
    return (cols,) if isinstance(cols, str) else tuple(cols)


def coded_columns(prepared: pd.DataFrame, features: list[LevelFeature]) -> dict[str, Coded]:
    """Every column the features read, coded once for the whole run."""
    columns = {c for f in features for c in feature_columns(f)}
    return {c: Coded.of(prepared[c].to_numpy(dtype=object)) for c in columns}


def compare_chunk(features: list[LevelFeature], columns: dict[str, Coded],
                  left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Levels (pairs x comparisons, int8) for one chunk of row-index pairs."""
    out = np.empty((left.size, len(features)), dtype=np.int8)
    for k, feature in enumerate(features):
        cols = feature_columns(feature)
        args = [columns[c].take(left) for c in cols] + [columns[c].take(right) for c in cols]
        out[:, k] = feature._compute_vectorized(*args)
    return out


class Comparator:
    """The comparisons of one prepared frame: levels for any row pairs, in bounded chunks.

    Columns are coded once (or come coded: a resolver's queries coded against its index's
    vocabularies); chunks of ``chunk`` pairs are compared on two threads (the string
    similarities inside each release the GIL), so memory stays bounded by the chunk and
    both cores work.
    """

    def __init__(self, prepared: pd.DataFrame | dict[str, Coded], specs,
                 chunk: int = 500_000, threads: int = 2) -> None:
        self.specs = list(specs)
        coded = isinstance(prepared, dict)
        self.features = [make_feature(spec, prepared if coded else prepared.columns)
                         for spec in self.specs]
        self.columns = prepared if coded else coded_columns(prepared, self.features)
        self.chunk = max(int(chunk), 1)
        self.threads = threads
        fields = [spec.field for spec in self.specs]
        self.name_parts = ((fields.index("given_name"), fields.index("family_name"))
                           if {"given_name", "family_name"} <= set(fields) else None)

    @property
    def labels(self) -> list[tuple[str, ...]]:
        return [tuple(f.level_labels) for f in self.features]

    @property
    def n_levels(self) -> list[int]:
        return [f.n_levels for f in self.features]

    def levels(self, left: np.ndarray, right: np.ndarray, progress: bool = False,
               desc: str = "compare pairs") -> np.ndarray:
        """Levels (pairs x comparisons, int8; -1 missing) of the row pairs."""
        import sys
        from concurrent.futures import ThreadPoolExecutor

        from tqdm import tqdm

        out = np.empty((left.size, len(self.features)), dtype=np.int8)
        starts = list(range(0, left.size, self.chunk))

        def one(start: int) -> None:
            stop = min(start + self.chunk, left.size)
            block = compare_chunk(self.features, self.columns, left[start:stop],
                                  right[start:stop])
            if self.name_parts is not None:
                self._swapped_names(block, left[start:stop], right[start:stop])
            out[start:stop] = block

        bar = tqdm(total=len(starts), desc=desc, unit="chunk", disable=not progress,
                   file=sys.stderr)
        if len(starts) <= 1 or self.threads <= 1:
            for start in starts:
                one(start)
                bar.update()
        else:
            with ThreadPoolExecutor(self.threads) as pool:
                for _ in pool.map(one, starts):
                    bar.update()
        bar.close()
        return out

    def _swapped_names(self, levels: np.ndarray, left: np.ndarray, right: np.ndarray) -> None:
        """Given and family name written the other way round on one side (Watson Noah /
        Noah Watson): where one name agrees exactly crosswise and the other at least at the
        closest similarity level, and crosswise beats straight, the crosswise levels count."""
        kg, kf = self.name_parts
        given, family = self.columns["given_name"], self.columns["family_name"]
        cross_g = self.features[kg]._compute_vectorized(given.take(left), family.take(right))
        cross_f = self.features[kf]._compute_vectorized(family.take(left), given.take(right))
        straight = levels[:, kg].astype(np.int16) + levels[:, kf]
        top = self.features[kg].n_levels - 1  # exact; top - 2 is the closest jw level
        crosswise = (np.maximum(cross_g, cross_f) == top) & \
            (np.minimum(cross_g, cross_f) >= top - 2)
        better = crosswise & (cross_g.astype(np.int16) + cross_f > straight)
        # the lower level to the given name, the higher to the family name: the same for
        # (a, b) and (b, a), whose crosswise levels are the same two numbers swapped
        levels[better, kg] = np.minimum(cross_g, cross_f)[better]
        levels[better, kf] = np.maximum(cross_g, cross_f)[better]

    def tf_bits(self, model, left: np.ndarray, right: np.ndarray) -> dict[int, np.ndarray]:
        """Per term-frequency comparison, the adjustment (bits) of the value both sides of a
        pair share (0 where they do not, e.g. names agreeing only crosswise), computed once
        per distinct value and spread to the pairs."""
        out = {}
        for k, comparison in enumerate(model.comparisons):
            if comparison.tf is None:
                continue
            coded = self.columns[comparison.spec.field]
            codes = coded.codes[left]
            codes = np.where(codes == coded.codes[right], codes, -1)  # code -1 -> 0 bits
            if not isinstance(coded.vocab, np.ndarray) or coded.vocab.size > codes.size:
                # an index's vocabulary, larger than the pairs: only the values shared
                codes, shared = pd.factorize(codes)
                shared = np.asarray(shared)
                values = coded.vocab[np.maximum(shared, 0)]
                per_value = np.where(shared >= 0, comparison.tf.adjustment(values), 0.0)
            else:
                per_value = np.append(comparison.tf.adjustment(coded.vocab), 0.0)
            out[k] = per_value[codes].astype(np.float32)
        return out
