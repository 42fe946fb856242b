"""Administrative divisions (GB/T 2260) for the graph: nodes, their hierarchy, and the
finest known division of each region code.

The table comes from ``loaders.divisions.load()``. A code that is not in the table is
placed at its nearest listed ancestor (county -> prefecture -> province, by the code's
digits), so an entity is LOCATED_IN the finest division the graph knows. Level names come
from the ontology's code list (``division_levels``); a table with any other level is refused.
"""

from __future__ import annotations

import pandas as pd

from ontology.schema import division_levels as levels


def division_table() -> pd.DataFrame:
    """code, name, level, parent_code of every known division (empty if none is available)."""
    try:
        from loaders.divisions import load
    except ImportError:  # the loaders' division table has not landed
        return pd.DataFrame(columns=["code", "name", "level", "parent_code"])
    table = load()[["code", "name", "level", "parent_code"]].copy()
    table["code"] = table["code"].astype(str)
    table["parent_code"] = table["parent_code"].astype("string")
    check_levels(table["level"])
    return table.drop_duplicates("code")


def check_levels(level: pd.Series) -> None:
    """Refuse division levels outside the ontology's code list (one-line error)."""
    unknown = sorted(set(level.dropna().astype(str)) - set(levels))
    if unknown:
        raise ValueError(f"division table: level {unknown[0]!r} is not one of "
                         f"{', '.join(levels)} (ontology kgc:DivisionLevel)")


def _ancestors(codes: pd.Series) -> list[pd.Series]:
    """The code itself, its prefecture code and its province code (GB/T 2260 digits)."""
    return [codes, codes.str[:4] + "00", codes.str[:2] + "0000"]


def finest_known(region_codes: pd.Series, table: pd.DataFrame) -> pd.Series:
    """Per region code, the finest division code present in ``table`` (NA if none).

    With an empty table every well-formed 6-digit code is taken as known."""
    codes = region_codes.astype("string").str.strip()
    codes = codes.where(codes.str.fullmatch(r"\d{6}").fillna(False).astype(bool))
    if table.empty:
        return codes
    known = set(table["code"])
    result = pd.Series(pd.NA, index=codes.index, dtype="string")
    for candidate in reversed(_ancestors(codes)):
        result = result.mask(candidate.isin(known).fillna(False).astype(bool), candidate)
    # reversed order: province first, then overwritten by prefecture, then by the code itself
    return result


def division_rows(table: pd.DataFrame, used_codes: pd.Series) -> pd.DataFrame:
    """Rows to write: the whole table, or (no table) the used codes and their ancestors
    with levels and parents derived from the code digits."""
    if not table.empty:
        return table.reset_index(drop=True)
    codes = pd.Series(pd.unique(used_codes.dropna().astype(str)), dtype="string")
    everything = pd.unique(pd.concat(_ancestors(codes)).dropna())
    codes = pd.Series(everything, dtype="string")
    level = pd.Series(levels.county, index=codes.index, dtype="string")
    level = level.mask(codes.str.endswith("00"), levels.prefecture)
    level = level.mask(codes.str.endswith("0000"), levels.province)
    parent = (codes.str[:4] + "00").where(level == levels.county, codes.str[:2] + "0000")
    parent = parent.mask(level == levels.province, pd.NA)
    return pd.DataFrame({"code": codes, "name": pd.NA, "level": level, "parent_code": parent})
