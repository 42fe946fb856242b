"""Linking settings as data (Splink-style): blocking passes, comparisons, thresholds, EM.

Defaults are generated from the fields a prepared frame actually has, so any source the
spec can describe (Chinese department records, FEBRL, a Western name list) links without
code changes. Every part can be overridden from YAML: the optional ``linking:`` section of
SOURCES.yaml or a separate file with the same shape::

    person:                      # or organization:
      threshold: 0.5             # match probability (over all record pairs) to accept
      blocking:                  # passes are unioned; "field[:k]" is a prefix key
        - [id_number]
        - [family_name, birth_date]
        - {sorted: name, window: 5}
      comparisons:
        - {field: given_name, kind: name, tf: true}
        - {field: birth_date, kind: date}
      evidence_groups:           # compared fields that are one piece of evidence
        - [address, postcode, phone]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

ENTITY_TYPES = ("person", "organization")
LINK_TYPES = ("dedupe_and_link", "link_only", "dedupe_only")
COMPARISON_KINDS = ("name", "person_name", "identifier", "date", "phone", "text", "postcode",
                    "category", "region", "exact", "email")
# A household: its place (address, postcode, city, region, province) and the line its
# members share. Two members of one family agree on all of these together, so their
# agreement is one piece of evidence, not six (the default evidence group; see
# LinkModel.contributions), and a blocking pass on one conditions them all (linking.fit).
HOUSEHOLD = ("address", "postcode", "city", "region_code", "province", "phone")


@dataclass(frozen=True)
class BlockingPass:
    """One blocking pass: records agreeing on every key (exact) or near in sort order."""

    keys: tuple[str, ...]
    method: str = "exact"  # "exact" | "sorted"
    window: int = 5        # sorted neighbourhood: each record meets the next window-1 records

    @property
    def name(self) -> str:
        joined = "+".join(self.keys)
        return joined if self.method == "exact" else f"sorted({joined},w={self.window})"


@dataclass(frozen=True)
class ComparisonSpec:
    """One comparison of a prepared column by a field kind (see linking.compare)."""

    field: str
    kind: str
    tf: bool = False                       # term-frequency adjust the exact level
    thresholds: tuple[float, ...] | None = None  # similarity cut-offs, highest first

    @property
    def name(self) -> str:
        return self.field


@dataclass(frozen=True)
class EntitySettings:
    """Everything linking needs for one entity type."""

    entity_type: str
    blocking: tuple[BlockingPass, ...]
    comparisons: tuple[ComparisonSpec, ...]
    link_type: str = "dedupe_and_link"
    threshold: float = 0.5           # match probability (over all record pairs) to accept
    max_block_size: int = 1000       # exact blocks above this are capped (pairs dropped, counted)
    pair_budget: float = 3.0         # an exact pass makes at most this many pairs per record
                                     # (never fewer than 1M); its costliest blocks are capped
    chunk_size: int = 500_000        # pairs compared per chunk (bounds memory)
    em_max_iter: int = 200
    em_tol: float = 1e-7
    u_sample: int = 300_000          # random record pairs drawn to estimate u
    tf_cap: float = 4.0              # bits: bound on a term-frequency adjustment
    id_field: str | None = None      # strong identifier for the deterministic rules
    id_valid_field: str | None = None
    # comparisons that are one piece of evidence (linking.em.combine_dependent: a group's
    # strongest agreement counts, with the strongest disagreement of a member at least as
    # specific); fields not compared are ignored
    evidence_groups: tuple[tuple[str, ...], ...] = ()

    def group_indices(self) -> list[list[int]]:
        """``evidence_groups`` as comparison indices (groups of two or more compared)."""
        position = {spec.field: k for k, spec in enumerate(self.comparisons)}
        groups = [[position[f] for f in group if f in position]
                  for group in self.evidence_groups]
        return [g for g in groups if len(g) >= 2]


@dataclass(frozen=True)
class LinkSettings:
    """Settings for both entity types; None means "generate defaults from the data"."""

    person: EntitySettings | None = None
    organization: EntitySettings | None = None
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def for_entity(self, entity_type: str, prepared: pd.DataFrame) -> EntitySettings:
        """The effective settings for one entity type over this prepared frame."""
        given = getattr(self, entity_type)
        base = given if given is not None else default_settings(entity_type, prepared)
        return apply_overrides(base, self.overrides.get(entity_type, {}))


def _present(prepared: pd.DataFrame, column: str, min_share: float = 0.05) -> bool:
    """A column worth using: filled in often enough, and not one value for everybody (a
    value shared by 100+ records and no other says nothing, and its weights are noise)."""
    if column not in prepared.columns:
        return False
    values = prepared[column]
    constant = values.nunique(dropna=True) < 2 and values.notna().sum() >= 100
    return values.notna().mean() >= min_share and not constant


def default_settings(entity_type: str, prepared: pd.DataFrame) -> EntitySettings:
    """Blocking passes and comparisons chosen from the columns this frame really has."""
    if entity_type not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {entity_type!r}; expected one of {ENTITY_TYPES}")
    has = {c for c in prepared.columns if _present(prepared, c)}
    has |= {c for c in ("id_valid", "credit_code_valid") if c in prepared.columns}
    if entity_type == "person":
        return _person_defaults(has, _names_split(prepared))
    return _organization_defaults(has)


def _names_split(prepared: pd.DataFrame, min_share: float = 0.95) -> bool:
    """Whether (nearly) every named record gives its name in parts (a given or a family
    name, or both). Sources that write whole names beside sources that split them make the
    parts missing on every pair across them; the whole name (composed where only parts are
    given) is then the one comparison all pairs have."""
    if not {"given_name", "family_name", "name"} <= set(prepared.columns):
        return False
    named = prepared["name"].notna()
    parts = prepared["given_name"].notna() | prepared["family_name"].notna()
    return bool(named.any()) and (parts & named).sum() >= min_share * named.sum()


def _keep(has: set[str], *passes: tuple[str, ...] | list[tuple[str, ...]]
          ) -> list[BlockingPass]:
    """The passes whose keys the data has; a list offers alternatives of which the first
    available is kept (one place key is enough: more only repeats the same pairs)."""
    out = []
    for item in passes:
        for keys in (item if isinstance(item, list) else [item]):
            if all(k.split("[")[0] in has for k in keys):
                out.append(BlockingPass(tuple(keys)))
                break
    return out


def _person_defaults(has: set[str], names_split: bool) -> EntitySettings:
    split_names = {"given_name", "family_name"} <= has and names_split
    blocking = _keep(
        has, ("id_number",), ("id_key1",), ("id_key2",), ("id_key3",),
        ("given_name", "family_name"), ("family_name", "birth_date"),
        ("given_name", "birth_date"), ("name_pinyin", "birth_year"),
        [("name_pinyin", "region_code[:4]"), ("name_pinyin", "postcode"), ("name_pinyin", "city")],
        [("birth_date", "region_code"), ("birth_date", "postcode"), ("birth_date", "city")],
        ("phone",), ("email",), ("postcode", "address[:6]"), ("address", "name[:1]"),
    )
    blocking += [BlockingPass(("name_sorted",), "sorted", 5)] if "name_sorted" in has else []
    comparisons: list[ComparisonSpec] = []
    if split_names:
        comparisons += [ComparisonSpec("given_name", "name", tf=True),
                        ComparisonSpec("family_name", "name", tf=True)]
    elif "name" in has:
        comparisons.append(ComparisonSpec("name", "person_name", tf=True))
    kinds = [("id_number", "identifier", False), ("birth_date", "date", False),
             ("sex", "exact", False), ("phone", "phone", False), ("email", "email", False),
             ("address", "text", False), ("postcode", "postcode", False),
             ("city", "category", True), ("province", "category", False),
             ("region_code", "region", False), ("birth_place", "category", True),
             ("ethnicity", "exact", False), ("nationality", "exact", False),
             ("occupation", "category", False)]
    comparisons += [ComparisonSpec(f, k, tf=tf) for f, k, tf in kinds if f in has]
    return EntitySettings(
        entity_type="person", blocking=tuple(blocking), comparisons=tuple(comparisons),
        id_field="id_number" if "id_number" in has else None,
        id_valid_field="id_valid" if {"id_number", "id_valid"} <= has else None,
        evidence_groups=_household(comparisons))


def _household(comparisons: list[ComparisonSpec]) -> tuple[tuple[str, ...], ...]:
    """The household group among these comparisons, if two or more of its fields are."""
    compared = {spec.field for spec in comparisons}
    group = tuple(f for f in HOUSEHOLD if f in compared)
    return (group,) if len(group) >= 2 else ()


def _organization_defaults(has: set[str]) -> EntitySettings:
    blocking = _keep(
        has, ("credit_code",), ("id_key1",), ("id_key2",), ("id_key3",), ("reg_number",), ("name",),
        ("name_core",), ("name_pinyin",), ("legal_rep_id",), ("legal_rep_name", "region_code"),
        ("phone",), ("email",), ("address",), ("name_core[:2]", "established_date"),
    )
    blocking += [BlockingPass((k,), "sorted", 5) for k in ("name_pinyin", "credit_code")
                 if k in has]
    kinds = [("name", "name", True), ("name_core", "name", True),
             ("credit_code", "identifier", False), ("reg_number", "identifier", False),
             ("legal_rep_name", "name", True), ("legal_rep_id", "identifier", False),
             ("address", "text", False), ("phone", "phone", False), ("email", "email", False),
             ("established_date", "date", False), ("industry", "category", False),
             ("region_code", "region", False), ("legal_form", "exact", False)]
    comparisons = [ComparisonSpec(f, k, tf=tf) for f, k, tf in kinds if f in has]
    return EntitySettings(
        entity_type="organization", blocking=tuple(blocking), comparisons=tuple(comparisons),
        id_field="credit_code" if "credit_code" in has else None,
        id_valid_field="credit_code_valid" if {"credit_code", "credit_code_valid"} <= has
        else None,
        evidence_groups=_household(comparisons))


_STRUCTURED = {"blocking", "comparisons", "evidence_groups"}  # parsed by their own functions
_SCALARS = {f.name for f in fields(EntitySettings)} - {"entity_type"} - _STRUCTURED


def _parse_pass(item: Any) -> BlockingPass:
    if isinstance(item, str):
        return BlockingPass((item,))
    if isinstance(item, list | tuple):
        return BlockingPass(tuple(str(k) for k in item))
    if isinstance(item, dict):
        if "sorted" in item:
            keys = item["sorted"]
            keys = (keys,) if isinstance(keys, str) else tuple(keys)
            return BlockingPass(keys, "sorted", int(item.get("window", 5)))
        if "keys" in item:
            return BlockingPass(tuple(item["keys"]))
    raise ValueError(f"linking settings: bad blocking pass {item!r}: use a list of keys, "
                     "{keys: [...]} or {sorted: KEY, window: N}")


def _parse_comparison(item: Any) -> ComparisonSpec:
    if not isinstance(item, dict) or "field" not in item or "kind" not in item:
        raise ValueError(f"linking settings: bad comparison {item!r}: need field and kind")
    if item["kind"] not in COMPARISON_KINDS:
        raise ValueError(f"linking settings: comparison {item['field']!r} has unknown kind "
                         f"{item['kind']!r}; allowed: {', '.join(COMPARISON_KINDS)}")
    thresholds = item.get("thresholds")
    return ComparisonSpec(str(item["field"]), str(item["kind"]), bool(item.get("tf", False)),
                          tuple(float(t) for t in thresholds) if thresholds else None)


def _parse_groups(value: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not all(
            isinstance(g, list) and all(isinstance(f, str) for f in g) for g in value):
        raise ValueError(f"linking settings: bad evidence_groups {value!r}: use a list of "
                         "lists of field names, e.g. [[address, postcode, phone]]")
    return tuple(tuple(g) for g in value)


def apply_overrides(base: EntitySettings, section: dict[str, Any]) -> EntitySettings:
    """Replace the parts of ``base`` a YAML section names; unknown keys are an error."""
    changes: dict[str, Any] = {}
    if not isinstance(section, dict):
        raise ValueError(f"linking settings: {base.entity_type} must be a mapping")
    for key, value in section.items():
        if key in ("blocking", "comparisons") and not isinstance(value, list):
            raise ValueError(f"linking settings: {base.entity_type}.{key} must be a list")
        if key == "blocking":
            changes["blocking"] = tuple(_parse_pass(v) for v in value)
        elif key == "comparisons":
            changes["comparisons"] = tuple(_parse_comparison(v) for v in value)
        elif key == "evidence_groups":
            changes["evidence_groups"] = _parse_groups(value)
        elif key in _SCALARS:
            default = getattr(base, key)
            try:
                changes[key] = type(default)(value) if default is not None else value
            except (TypeError, ValueError):
                raise ValueError(f"linking settings: {base.entity_type}.{key}: bad value "
                                 f"{value!r}") from None
        else:
            allowed = ", ".join(sorted(_SCALARS | _STRUCTURED))
            raise ValueError(f"linking settings: unknown key {key!r} for {base.entity_type}; "
                             f"allowed: {allowed}")
    if changes.get("link_type", base.link_type) not in LINK_TYPES:
        raise ValueError(f"linking settings: link_type must be one of {LINK_TYPES}")
    return replace(base, **changes)


def settings_from_dict(data: dict[str, Any] | None) -> LinkSettings:
    """LinkSettings from a parsed YAML mapping (``{person: {...}, organization: {...}}``)."""
    data = data or {}
    if "linking" in data:
        data = data["linking"] or {}
    if not isinstance(data, dict):
        raise ValueError("linking settings: expected a mapping with person/organization")
    unknown = set(data) - set(ENTITY_TYPES)
    if unknown:
        raise ValueError(f"linking settings: unknown section(s) {sorted(unknown)}; "
                         f"allowed: {', '.join(ENTITY_TYPES)}")
    overrides = {k: v or {} for k, v in data.items()}
    for entity_type, section in overrides.items():  # fail now, not in the middle of a run
        apply_overrides(EntitySettings(entity_type, (), ()), section)
    return LinkSettings(overrides=overrides)


def load_settings(path: str | Path) -> LinkSettings:
    """LinkSettings from a YAML file (a settings file or a SOURCES.yaml with ``linking:``)."""
    import yaml

    from loaders.safe_yaml import load_yaml

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"settings file not found: {path}")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    try:
        return settings_from_dict(data if isinstance(data, dict) else {})
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def settings_as_dict(settings: EntitySettings) -> dict[str, Any]:
    """A plain dict of effective settings (for stats and reports)."""
    out = asdict(settings)
    out["blocking"] = [p.name for p in settings.blocking]
    return out


def settings_from_plain(plain: dict[str, Any]) -> EntitySettings:
    """EntitySettings from ``settings_as_dict`` output whose blocking and comparisons are
    already objects (a saved model supplies them); unknown keys are an error."""
    known = {f.name for f in fields(EntitySettings)}
    unknown = set(plain) - known
    if unknown:
        raise ValueError(f"unknown settings key(s) {sorted(unknown)}")
    values = dict(plain)
    values["blocking"] = tuple(values["blocking"])
    values["comparisons"] = tuple(values["comparisons"])
    values["evidence_groups"] = tuple(tuple(g) for g in values.get("evidence_groups", ()))
    return EntitySettings(**values)
