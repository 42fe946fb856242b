"""The fitted linking model: what makes two records the same entity, as data.

A :class:`LinkModel` (one per entity type) holds the settings it was fitted with (blocking
passes, comparisons, threshold), the m and u probability of every comparison level, the
term-frequency tables of the comparisons that use them, and the prior: the probability that
two records drawn at random from all record pairs are the same entity. It scores pairs of
comparison levels into match weights (bits) and probabilities, explains one pair of records,
and saves itself as readable, versioned JSON (:class:`ModelSet`, one section per entity
type) that loads back to the very same scores.

Weights are Fellegi–Sunter log2(m/u); a missing value weighs 0; exact agreement on a value
with a term-frequency table weighs log2(m / share of that value) instead of log2(m/u), so a
rare name counts more than a common one. Comparisons of one evidence group (the settings'
``evidence_groups``: by default a household's address, postcode, city, region, province and
phone) are not independent, so only the group's strongest agreement counts, with the
strongest disagreement of a member at least as specific (``linking.em.combine_dependent``);
the other members show their level and weigh 0. A pair whose most specific group member
agrees exactly shares a home: there the other comparisons weigh log2(m / u among the
non-matches of one home), learned in the household passes (``linking.fit``), since two
people of one family share a family name, and sometimes a whole name, far more often than
two random people.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linking.em import combine_dependent, specificity
from linking.settings import (
    BlockingPass,
    ComparisonSpec,
    EntitySettings,
    settings_as_dict,
    settings_from_plain,
)

FORMAT = "kglink-link-model"
VERSION = 1


def exact_agreement_chance(values: np.ndarray) -> float:
    """P(two distinct random records with a value agree on it): sum c(c-1) / N(N-1)."""
    counts = pd.Series(values, dtype=object).value_counts(dropna=True).to_numpy(float)
    total = counts.sum()
    return float((counts * (counts - 1)).sum() / (total * (total - 1))) if total > 1 else 0.0


@dataclass
class TermFrequencies:
    """Shares of the values of one field, for term-frequency adjustment of exact agreement.

    Only values seen at least twice are stored; any other value has share ``floor`` (one
    record in the fitted data), which is also what an unseen value gets when scoring.
    """

    shares: dict[str, float]
    floor: float
    u_random: float   # chance that two random records agree on this field
    cap: float        # bound (bits) on the adjustment

    @classmethod
    def of(cls, values: np.ndarray, cap: float) -> TermFrequencies:
        counts = pd.Series(values, dtype=object).value_counts(dropna=True)
        total = max(int(counts.sum()), 1)
        shares = counts / total
        repeated = shares[counts >= 2]
        chance = exact_agreement_chance(values)
        return cls({str(k): float(v) for k, v in repeated.items()}, 1.0 / total,
                   chance if chance > 0 else 1.0 / total, float(cap))

    def adjustment(self, values: np.ndarray) -> np.ndarray:
        """Bits added to exact agreement on each value: log2(u_random / share), capped."""
        if values.size == 0:
            return np.zeros(0)
        floor = self.floor
        share = np.array([self.shares.get(value, floor) for value in values.tolist()],
                         dtype=float)
        return np.clip(np.log2(self.u_random / share), -self.cap, self.cap)

    def as_dict(self) -> dict[str, Any]:
        return {"u_random": self.u_random, "floor": self.floor, "cap": self.cap,
                "values": self.shares}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TermFrequencies:
        return cls({str(k): float(v) for k, v in data["values"].items()},
                   float(data["floor"]), float(data["u_random"]), float(data["cap"]))


@dataclass
class ComparisonModel:
    """One comparison: its spec, level labels and the m / u of every level."""

    spec: ComparisonSpec
    labels: tuple[str, ...]
    m: np.ndarray
    u: np.ndarray
    tf: TermFrequencies | None = None
    # evidence group (its index in settings.group_indices()) -> u per level among the
    # non-matches of one home (a household's members)
    u_agreeing: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def weights(self) -> np.ndarray:
        """log2(m/u) per level: the match weight in bits."""
        return np.log2(self.m / self.u)

    def weights_agreeing(self, group: int) -> np.ndarray:
        """log2(m/u) per level for a pair that shares evidence group ``group`` (one home)."""
        return np.log2(self.m / self.u_agreeing[group])

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "field": self.spec.field, "kind": self.spec.kind, "tf": self.spec.tf,
            "thresholds": list(self.spec.thresholds) if self.spec.thresholds else None,
            "levels": [{"label": label, "m": float(m), "u": float(u), "weight": float(w)}
                       for label, m, u, w in zip(self.labels, self.m, self.u, self.weights,
                                                 strict=True)]}
        if self.u_agreeing:
            out["when_group_agrees"] = [
                {"group": g, "levels": [{"label": label, "u": float(u), "weight": float(w)}
                                        for label, u, w in zip(self.labels, u_g,
                                                               self.weights_agreeing(g),
                                                               strict=True)]}
                for g, u_g in sorted(self.u_agreeing.items())]
        if self.tf is not None:
            out["term_frequencies"] = self.tf.as_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ComparisonModel:
        thresholds = data.get("thresholds")
        spec = ComparisonSpec(data["field"], data["kind"], bool(data.get("tf", False)),
                              tuple(float(t) for t in thresholds) if thresholds else None)
        levels = data["levels"]
        tf = data.get("term_frequencies")
        return cls(spec, tuple(str(level["label"]) for level in levels),
                   np.array([float(level["m"]) for level in levels]),
                   np.array([float(level["u"]) for level in levels]),
                   TermFrequencies.from_dict(tf) if tf else None,
                   {int(g["group"]): np.array([float(level["u"]) for level in g["levels"]])
                    for g in data.get("when_group_agrees", [])})


@dataclass
class LinkModel:
    """A fitted Fellegi–Sunter model for one entity type (see the module docstring)."""

    settings: EntitySettings
    comparisons: list[ComparisonModel]
    prior: float                 # P(two random records match), over all record pairs
    prior_method: str = "em_over_all_pairs"
    records_fitted: int = 0
    training: dict[str, Any] = field(default_factory=dict)

    @property
    def entity_type(self) -> str:
        return self.settings.entity_type

    @property
    def threshold(self) -> float:
        return self.settings.threshold

    def for_records(self, n: int) -> LinkModel:
        """This model for a data set of ``n`` records: the prior is rescaled so that a record
        has as many expected duplicates as in the fitted data (it is ~1/N, not a constant)."""
        if n == self.records_fitted or self.records_fitted < 2 or n < 2:
            return self
        prior = min(self.prior * (self.records_fitted - 1) / (n - 1), 0.5)
        return replace(self, prior=prior)

    def check_levels(self, labels: list[tuple[str, ...]]) -> None:
        """Fail in one line when this kglink compares a field with other levels than the
        model was fitted on (a model from another version must be refitted)."""
        for comparison, now in zip(self.comparisons, labels, strict=True):
            if tuple(comparison.labels) != tuple(now):
                raise ValueError(
                    f"the {self.entity_type} model's comparison {comparison.spec.field!r} has "
                    f"levels {list(comparison.labels)} but this kglink compares it as "
                    f"{list(now)}: refit the model (kglink link without --model, or "
                    "kglink run --refit)")

    @property
    def prior_weight(self) -> float:
        """The prior in bits: log2(p / (1 - p))."""
        return math.log2(self.prior / (1.0 - self.prior))

    @property
    def threshold_weight(self) -> float:
        """The acceptance threshold in bits."""
        t = min(max(self.threshold, 1e-12), 1 - 1e-12)
        return math.log2(t / (1.0 - t))

    def contributions(self, levels: np.ndarray, tf_bits: dict[int, np.ndarray]
                      ) -> np.ndarray:
        """Bits each comparison adds per pair (pairs x comparisons, float32); missing adds 0,
        and in each evidence group only the strongest agreement and disagreement count.

        ``tf_bits[k]`` is, per pair, the term-frequency adjustment of comparison k's value
        (added only where the pair reached that comparison's top level).
        """
        out = np.zeros(levels.shape, dtype=np.float32)
        groups = self.settings.group_indices()
        specific = specificity([c.u for c in self.comparisons])
        weighed_at_home = {g for c in self.comparisons for g in c.u_agreeing}
        at_home = {g: self._one_home(levels, groups[g], specific) for g in weighed_at_home}
        for k, comparison in enumerate(self.comparisons):
            lev = levels[:, k]
            table = np.append(comparison.weights, 0.0).astype(np.float32)  # -1 -> 0 bits
            out[:, k] = table[lev]
            for g in comparison.u_agreeing:
                table = np.append(comparison.weights_agreeing(g), 0.0).astype(np.float32)
                out[at_home[g], k] = table[lev[at_home[g]]]
            if comparison.tf is not None and k in tf_bits:
                top = lev == len(comparison.labels) - 1
                out[top, k] += tf_bits[k][top]
        return combine_dependent(out, groups, specific)

    def _one_home(self, levels: np.ndarray, group: list[int], specific: np.ndarray
                  ) -> np.ndarray:
        """Rows whose most specific evidence-group member that both records have (an
        address before a postcode before a city) agrees exactly: one home, not one town."""
        order = np.asarray(group)[np.argsort(-specific[group], kind="stable")]
        tops = np.array([len(self.comparisons[k].labels) - 1 for k in order])
        part = levels[:, order]
        first = np.argmax(part >= 0, axis=1)  # most specific member present on both sides
        return part[np.arange(levels.shape[0]), first] == tops[first]

    def score(self, left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray:
        """Match probability of each row pair (left row i with right row i).

        Both frames hold records with canonical (or already standardised) fields; the
        deterministic identifier rules are applied as in a link run.
        """
        from linking.pairs import score_record_pairs

        return score_record_pairs(self, left, right).probability

    def explain(self, record_a: dict[str, Any] | pd.Series, record_b: dict[str, Any]
                | pd.Series) -> dict[str, Any]:
        """Why two records are (not) the same: the deciding rule, the total bits and, per
        comparison, the level reached and the bits it added (as in links.csv evidence)."""
        from linking.pairs import score_record_pairs

        left = pd.DataFrame([dict(record_a)])
        right = pd.DataFrame([dict(record_b)])
        scored = score_record_pairs(self, left, right)
        return scored.explanation(0)

    def as_dict(self) -> dict[str, Any]:
        es = self.settings
        return {
            "entity_type": es.entity_type, "link_type": es.link_type,
            "records_fitted": self.records_fitted,
            "prior": {"probability": self.prior, "weight": self.prior_weight,
                      "method": self.prior_method},
            "threshold": es.threshold,
            "blocking": [{"keys": list(p.keys), "method": p.method, "window": p.window}
                         for p in es.blocking],
            "max_block_size": es.max_block_size,
            "comparisons": [c.as_dict() for c in self.comparisons],
            "training": self.training,
            "settings": settings_as_dict(es),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkModel:
        comparisons = [ComparisonModel.from_dict(c) for c in data["comparisons"]]
        plain = dict(data["settings"])
        plain["blocking"] = [BlockingPass(tuple(p["keys"]), p["method"], int(p["window"]))
                             for p in data["blocking"]]
        plain["comparisons"] = [c.spec for c in comparisons]
        settings = settings_from_plain(plain)
        return cls(settings, comparisons, float(data["prior"]["probability"]),
                   str(data["prior"].get("method", "")), int(data.get("records_fitted", 0)),
                   dict(data.get("training", {})))


@dataclass
class ModelSet:
    """The models of one link run, one per entity type: what model.json holds."""

    models: dict[str, LinkModel]
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"))

    def get(self, entity_type: str) -> LinkModel | None:
        return self.models.get(entity_type)

    def without(self, entity_types: list[str]) -> ModelSet:
        """This set less the models of ``entity_types`` (which linking then fits anew)."""
        return replace(self, models={k: m for k, m in self.models.items()
                                     if k not in entity_types})

    def as_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "created": self.created,
                "entities": {k: m.as_dict() for k, m in self.models.items()}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "model") -> ModelSet:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{source}: not a kglink link model (format is not {FORMAT!r})")
        if data.get("version") != VERSION:
            raise ValueError(f"{source}: model version {data.get('version')!r} is not "
                             f"supported (this kglink reads version {VERSION})")
        entities = data.get("entities")
        if not isinstance(entities, dict):
            raise ValueError(f"{source}: the model has no entities section")
        try:
            models = {k: LinkModel.from_dict(v) for k, v in entities.items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: malformed model section: {exc}") from None
        return cls(models, str(data.get("created", "")))

    @classmethod
    def load(cls, path: str | Path) -> ModelSet:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"model file not found: {path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not a JSON file ({exc})") from None
        return cls.from_dict(data, str(path))
