"""Whole-frame standardisation per entity kind: the column standardisers applied in order,
derived columns added, and per-row data-quality flags recorded (never dropping a row).

Flags (counted per source in report.json, listed per row in `flags`):
  id_invalid, id_legacy_converted, birth_date_from_id, sex_from_id, birth_date_id_mismatch,
  birth_date_unparsed, phone_invalid, address_unparsed, name_traditional_converted,
  credit_code_invalid, legal_rep_id_invalid, established_date_unparsed,
  share_ratio_unparsed, relation_reversed, date_unparsed,
  sex_unrecognised (a sex outside the ontology's kgc:Sex and its source terms; null output),
  status_unrecognised (a registration status outside kgc:RegistrationStatus and its source
  terms; null output),
  name_composed (a person's `name` built from given_name/family_name, see
  loaders.standardise.names.compose_person_names),
  birth_date_out_of_range, established_date_out_of_range, start_date_out_of_range,
  end_date_out_of_range (a real date outside the field's plausible range, see
  loaders.standardise.dates.DateRange; the value is kept; for birth_date this includes a
  date taken from the ID number),
  formula_without_value (xlsx: a mapped cell holds a formula whose value Excel never cached;
  set by the reader, added with `add_flags`).

A `*_unparsed` date is null in the output; a date that parses is never nulled, however old
or far in the future it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.fields import output_columns
from loaders.standardise.addresses import normalise_address_arrow, parse_addresses
from loaders.standardise.codes import (
    CHILD_TERMS,
    normalise_relation_types,
    normalise_sex,
    normalise_status,
    parse_share_ranges,
    parse_share_ratios,
    relation_roles,
    unrecognised_sex,
    unrecognised_status,
)
from loaders.standardise.creditcode import normalise_credit_codes
from loaders.standardise.dates import DateRange, default_ranges, out_of_range, parse_dates
from loaders.standardise.idcard import normalise_id_numbers
from loaders.standardise.names import (
    compose_person_names,
    org_name_parts,
    person_name_columns,
)
from loaders.standardise.phones import normalise_phones
from loaders.standardise.text import arrow, clean_arrow, from_arrow, map_distinct


@dataclass
class Standardised:
    """A standardised frame, its flag masks and the rows it rejects (index -> reason)."""

    frame: pd.DataFrame
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    rejected: dict[int, str] = field(default_factory=dict)

    def flag_counts(self) -> dict[str, int]:
        return {name: int(mask.sum()) for name, mask in self.flags.items() if mask.any()}


def add_flags(done: Standardised, extra: dict[str, np.ndarray]) -> Standardised:
    """`done` with more per-row flags (masks over its rows): counted and listed in `flags`."""
    if not extra:
        return done
    flags = {**done.flags, **extra}
    frame = done.frame.copy()
    frame["flags"] = _flag_column(flags, frame.index)
    return Standardised(frame, flags, done.rejected)


def _missing(s: pd.Series) -> np.ndarray:
    """Where the Series is null, from its array (a Series method costs twenty times more on
    the one-row frame of a real-time query)."""
    return np.asarray(s.array.isna())


def _present(s: pd.Series) -> np.ndarray:
    return ~_missing(s)


def _mask(values: pd.Series) -> np.ndarray:
    """A nullable boolean Series as a numpy mask (null -> False)."""
    return values.fillna(False).to_numpy(dtype=bool)


class _Columns(dict):
    """A frame being standardised: name -> Series, all on ``index``. Setting or reading a
    column of a dict costs nothing, where a DataFrame's ``__setitem__`` costs more than
    cleaning a one-row column (the real-time resolver's frame); ``_ordered`` makes the
    frame once at the end."""

    def __init__(self, columns: dict[str, pd.Series], index: pd.Index) -> None:
        super().__init__(columns)
        self.index = index


def _clean_all(frame: pd.DataFrame, columns) -> _Columns:
    """``frame``'s columns, each of ``columns`` cleaned (all-null when absent or empty)."""
    out = _Columns(dict(frame.items()), frame.index)
    nulls = from_arrow(pa.nulls(len(frame), pa.string()), frame.index)  # shared: never changed
    for name in columns:
        values = arrow(out[name]) if name in out else None
        if values is None or values.null_count == len(values):
            out[name] = nulls
        else:
            out[name] = from_arrow(clean_arrow(values), frame.index)
    return out


def _coalesce(first: pd.Series, second: pd.Series) -> pd.Series:
    """first where present, else second (Arrow, no Python objects)."""
    return from_arrow(pc.coalesce(arrow(first), arrow(second)), first.index)


def _choose(mask: np.ndarray, when_true: pd.Series, when_false: pd.Series) -> pd.Series:
    """Row-wise choice between two string Series (Arrow)."""
    return from_arrow(pc.if_else(pa.array(mask), arrow(when_true), arrow(when_false)),
                      when_false.index)


def _nulls_where_not(mask: np.ndarray, s: pd.Series) -> pd.Series:
    return from_arrow(pc.if_else(pa.array(mask), arrow(s), pa.scalar(None, pa.string())),
                      s.index)


def _flag_column(flags: dict[str, np.ndarray], index: pd.Index) -> pd.Series:
    """';'-joined names of the flags set on each row (null when none), built in Arrow."""
    null = pa.scalar(None, pa.string())
    parts = [pc.if_else(pa.array(mask), name + ";", "") for name, mask in flags.items()
             if mask.any()]
    if not parts:
        return from_arrow(pa.nulls(len(index), pa.string()), index)
    joined = pc.utf8_rtrim(pc.binary_join_element_wise(*parts, ""), characters=";")
    joined = pc.if_else(pc.equal(joined, ""), null, joined)
    return from_arrow(joined, index)


def _flag_out_of_range(out: _Columns, names: tuple[str, ...],
                       ranges: Mapping[str, DateRange] | None,
                       flags: dict[str, np.ndarray]) -> None:
    """`<field>_out_of_range` for each date field whose (kept) value is outside its range;
    fields without a given range use the defaults."""
    bounds = {**default_ranges(), **(ranges or {})}
    for name in names:
        flags[f"{name}_out_of_range"] = out_of_range(out[name], bounds[name])


def _traditional(raw: pd.Series) -> np.ndarray:
    """Rows whose name holds traditional characters (converted to simplified)."""
    import re

    from loaders.standardise.chinese import t2s_table

    pattern = re.compile("[" + re.escape("".join(map(chr, t2s_table()))) + "]")
    hits = map_distinct(arrow(raw), lambda values: [bool(pattern.search(v)) for v in values],
                        type=pa.bool_())
    return pc.fill_null(hits, False).to_numpy(zero_copy_only=False)


def standardise_persons(frame: pd.DataFrame,
                        ranges: Mapping[str, DateRange] | None = None) -> Standardised:
    """Person rows: ID number, names, dates, sex, phone, address; flags for what was fixed.
    `ranges`: plausible range per date field (default: dates.default_ranges())."""
    from loaders.fields import PERSON_FIELDS

    out = _clean_all(frame, PERSON_FIELDS)
    flags: dict[str, np.ndarray] = {}
    composed = ~_present(out["name"]) & (_present(out["given_name"])
                                         | _present(out["family_name"]))
    flags["name_composed"] = composed
    if composed.any():
        out["name"] = _choose(composed, compose_person_names(out["given_name"],
                                                             out["family_name"]), out["name"])
    names = person_name_columns(out["name"])
    flags["name_traditional_converted"] = pc.fill_null(names["name_traditional"], False) \
        .to_numpy(zero_copy_only=False)
    ids = normalise_id_numbers(out["id_number"])
    has_id = _present(out["id_number"])
    valid = _mask(ids["id_valid"])
    flags["id_invalid"] = has_id & ~valid
    flags["id_legacy_converted"] = _mask(ids["id_legacy"])
    out["id_number"] = ids["id_number"]

    birth = parse_dates(out["birth_date"])
    had_birth = _present(out["birth_date"])
    no_birth = _missing(birth)
    flags["birth_date_unparsed"] = had_birth & no_birth
    from_id = no_birth & valid
    flags["birth_date_from_id"] = from_id
    both = ~no_birth & valid
    mismatch = np.zeros(len(both), dtype=bool)
    mismatch[both] = birth.to_numpy(dtype=object)[both] != \
        ids["birth_date"].to_numpy(dtype=object)[both]
    flags["birth_date_id_mismatch"] = mismatch
    out["birth_date"] = _choose(from_id, ids["birth_date"], birth)
    _flag_out_of_range(out, ("birth_date",), ranges, flags)

    sex = normalise_sex(out["sex"])
    flags["sex_unrecognised"] = unrecognised_sex(out["sex"])
    sex_from_id = _missing(sex) & valid
    flags["sex_from_id"] = sex_from_id
    out["sex"] = _choose(sex_from_id, ids["sex"], sex)

    places = _standardise_contacts(out, flags)
    out["province"] = _coalesce(out["province"], places["province"])
    out["city"] = _coalesce(out["city"], places["city"])
    out["id_region_code"] = _nulls_where_not(valid, ids["region_code"])
    out["region_code"] = _coalesce(places["region_code"], out["id_region_code"])
    out["id_valid"] = ids["id_valid"]
    for name in ("name_norm", "name_pinyin", "name_script"):
        out[name] = from_arrow(names[name], out.index)
    out["flags"] = _flag_column(flags, out.index)
    return Standardised(_ordered(out, "person"), flags)



def _standardise_contacts(out: _Columns, flags: dict[str, np.ndarray]) -> pd.DataFrame:
    """Phone, e-mail and address in place (persons and organisations alike); returns the
    address's parsed province / city / county / region_code."""
    phones = normalise_phones(out["phone"])
    flags["phone_invalid"] = _present(out["phone"]) & _missing(phones["phone_kind"])
    out["phone"] = phones["phone"]
    if _present(out["email"]).any():
        out["email"] = from_arrow(pc.utf8_lower(arrow(out["email"])), out.index)
    out["address"] = from_arrow(normalise_address_arrow(arrow(out["address"])), out.index)
    places = parse_addresses(out["address"])
    flags["address_unparsed"] = _present(out["address"]) & _missing(places["region_code"])
    return places

def standardise_organizations(frame: pd.DataFrame,
                              ranges: Mapping[str, DateRange] | None = None) -> Standardised:
    """Organisation rows: credit code, name parts, legal representative's ID, dates, phone,
    address. `ranges`: plausible range per date field (default: dates.default_ranges())."""
    from loaders.fields import ORGANIZATION_FIELDS

    out = _clean_all(frame, ORGANIZATION_FIELDS)
    flags: dict[str, np.ndarray] = {}
    parts = org_name_parts(out["name"])
    flags["name_traditional_converted"] = _traditional(out["name"])
    codes = normalise_credit_codes(out["credit_code"])
    flags["credit_code_invalid"] = _present(out["credit_code"]) & \
        ~_mask(codes["credit_code_valid"])
    out["credit_code"] = codes["credit_code"]
    out["reg_number"] = from_arrow(pc.utf8_upper(arrow(out["reg_number"])), out.index)
    rep = normalise_id_numbers(out["legal_rep_id"])
    flags["legal_rep_id_invalid"] = _present(out["legal_rep_id"]) & ~_mask(rep["id_valid"])
    out["legal_rep_id"] = rep["id_number"]
    if _present(out["legal_rep_name"]).any():
        out["legal_rep_name"] = out["legal_rep_name"].str.replace(r"\s+", "", regex=True)
    established = parse_dates(out["established_date"])
    flags["established_date_unparsed"] = _present(out["established_date"]) & \
        _missing(established)
    out["established_date"] = established
    _flag_out_of_range(out, ("established_date",), ranges, flags)
    flags["status_unrecognised"] = unrecognised_status(out["status"])
    out["status"] = normalise_status(out["status"])
    places = _standardise_contacts(out, flags)
    credit_region = _nulls_where_not(_mask(codes["credit_code_valid"]), codes["region_code"])
    out["region_code"] = _coalesce(places["region_code"], credit_region)
    out["credit_code_valid"] = codes["credit_code_valid"]
    for name in ("name_norm", "name_core", "name_pinyin", "legal_form", "name_region"):
        out[name] = parts[name]
    out["flags"] = _flag_column(flags, out.index)
    return Standardised(_ordered(out, "organization"), flags)


def normalise_party_ids(s: pd.Series) -> pd.Series:
    """Relation endpoints: ID numbers and credit codes normalised; DEPT:RECORD_ID kept as is."""
    a = clean_arrow(arrow(s))
    ids = normalise_id_numbers(from_arrow(a, s.index))
    codes = normalise_credit_codes(from_arrow(a, s.index))
    reference = pc.fill_null(pc.match_substring(a, ":"), False).to_numpy(zero_copy_only=False)
    is_id = _present(ids["region_code"]) & ~reference
    is_code = ~is_id & ~reference & (codes["credit_code"].str.len() == 18).fillna(False).to_numpy()
    out = from_arrow(a, s.index)
    out = out.where(~is_id, ids["id_number"]).where(~is_code, codes["credit_code"])
    return out


def standardise_relations(frame: pd.DataFrame,
                          ranges: Mapping[str, DateRange] | None = None) -> Standardised:
    """Relation rows: canonical type (unknown types rejected), endpoints normalised, share
    ratio as a float in [0, 1], dates ISO; child-side terms (子女) reversed to parent -> child.
    `ranges`: plausible range per date field (default: dates.default_ranges())."""
    from loaders.fields import RELATION_FIELDS

    out = _clean_all(frame, RELATION_FIELDS)
    flags: dict[str, np.ndarray] = {}
    out["type_raw"] = out["type"]
    out["type"] = normalise_relation_types(out["type"])
    rejected = {int(i): "unknown_relation_type" for i in out.index[out["type"].isna()
                                                                   & out["type_raw"].notna()]}
    child = out["type_raw"].isin(sorted(CHILD_TERMS)).fillna(False).to_numpy()
    flags["relation_reversed"] = child
    from_id, to_id = normalise_party_ids(out["from_id"]), normalise_party_ids(out["to_id"])
    out["from_id"] = from_id.where(~child, to_id)
    out["to_id"] = to_id.where(~child, from_id)
    out["role"] = relation_roles(out["type"], out["type_raw"])
    ratio = parse_share_ratios(out["share_ratio"])
    share_bounds = parse_share_ranges(out["share_ratio"])
    flags["share_ratio_unparsed"] = (_present(out["share_ratio"]) & _missing(ratio)
                                     & _missing(share_bounds["share_min"]))
    out["share_ratio"] = ratio
    out["share_min"], out["share_max"] = share_bounds["share_min"], share_bounds["share_max"]
    unparsed = np.zeros(len(out.index), dtype=bool)
    for name in ("start_date", "end_date"):
        parsed = parse_dates(out[name])
        unparsed |= _present(out[name]) & _missing(parsed)
        out[name] = parsed
    flags["date_unparsed"] = unparsed
    _flag_out_of_range(out, ("start_date", "end_date"), ranges, flags)
    out["flags"] = _flag_column(flags, out.index)
    return Standardised(_ordered(out, "relation"), flags, rejected)


STANDARDISERS = {"person": standardise_persons, "organization": standardise_organizations,
                 "relation": standardise_relations}


def _ordered(out: _Columns, entity: str) -> pd.DataFrame:
    """The output frame, its columns in contract order (from the columns' arrays: every
    column is on ``out.index`` already, and aligning fifty Series costs a millisecond)."""
    return pd.DataFrame({name: out[name].array for name in output_columns(entity)},
                        index=out.index, copy=False)
