"""The macro view by administrative division, computed with pandas from frames mining reads.

Levels come from the ontology's code list (``division_levels``: province, prefecture, county),
so the division nodes, the graph store and these roll-ups use the same names. An entity is
LOCATED_IN its finest known division and counts there and in every enclosing division: a
prefecture holds its counties' entities plus those located at the prefecture itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ontology.schema import division_levels as levels
from ontology.schema import labels as L
from ontology.schema import rels as R

MEASURES = {"persons": "person_count", "companies": "company_count",
            "reg_capital": "reg_capital_total", "cross_links": "cross_division_links"}
COUNTS = ["company_count", "person_count", "reg_capital_total", "cross_division_links"]
UNKNOWN_INDUSTRY = "(unknown)"
DERIVED_FROM = ("name", "credit_code")  # how an industry not in the source was derived
NOT_DERIVED = "no"


def flow_types() -> tuple[str, ...]:
    """The relationship types counted as flows between prefectures."""
    return (R.SHAREHOLDER_OF, R.LEGAL_REPRESENTATIVE_OF, R.EMPLOYED_BY)


def check_division_levels(divisions: pd.DataFrame) -> None:
    """Refuse division nodes whose level is outside the code list: a drifted name ("city")
    would silently count zero at that level."""
    bad = divisions[~divisions["level"].isin(list(levels))]
    if not bad.empty:
        row = bad.sort_values("code").iloc[0]
        raise ValueError(f"graph: AdministrativeDivision {row['code']} has level "
                         f"{row['level']!r}, not one of {', '.join(levels)} "
                         "(ontology kgc:DivisionLevel)")


def division_chains(divisions: pd.DataFrame) -> pd.DataFrame:
    """For each division ``code`` (with ``level`` and ``parent``): its ancestor or itself at
    each level, as one column per level (NA where it has none)."""
    parent = divisions.set_index("code")["parent"]
    level = divisions.set_index("code")["level"]
    chains = pd.DataFrame({"code": divisions["code"].astype("string")})
    for lv in levels:
        chains[lv] = pd.Series(pd.NA, index=chains.index, dtype="string")
    current = chains["code"].copy()
    for _ in range(2 * len(list(levels))):  # a chain is at most this long
        at = current.map(level)
        for lv in levels:
            chains[lv] = chains[lv].mask(chains[lv].isna() & at.eq(lv).fillna(False), current)
        current = current.map(parent).astype("string")
        if current.isna().all():
            break
    return chains


def capital_yuan(values: pd.Series) -> pd.Series:
    """Registered capital in yuan: numbers as they are (yuan), text such as "200万元" read by
    ``ontology.money``; another currency or unreadable text is NaN, so it is not summed."""
    from ontology.money import DEFAULT_CURRENCY, parse_money

    amounts = {}
    for value in pd.unique(values.dropna()):
        money = parse_money(value)
        amounts[value] = (float(money.amount) if money and money.currency == DEFAULT_CURRENCY
                          else float("nan"))
    return values.map(amounts).astype(float)


def place(located: pd.DataFrame, chains: pd.DataFrame) -> pd.DataFrame:
    """``located`` (one row per entity and its division ``code``) with its chain columns."""
    return located.merge(chains, on="code", how="left")


def division_counts(placed: pd.DataFrame, edges: pd.DataFrame, codes: pd.Series
                    ) -> pd.DataFrame:
    """Per division code: companies, persons, registered capital and cross-division links of
    the entities inside it at any depth (zeros for empty divisions)."""
    inside = pd.concat([placed.assign(division=placed[lv]) for lv in levels],
                       ignore_index=True).dropna(subset=["division"])
    companies = inside[inside["label"] == L.LegalPerson]
    stats = pd.DataFrame(index=pd.Index(codes, name="code"))
    stats["company_count"] = companies.groupby("division")["entity_id"].nunique()
    stats["person_count"] = inside[inside["label"] == L.NaturalPerson]\
        .groupby("division")["entity_id"].nunique()
    stats["reg_capital_total"] = companies.groupby("division")["reg_capital"].sum()
    stats["cross_division_links"] = cross_links(edges, placed)
    stats = stats.astype(float).fillna(0.0)
    for column in ("company_count", "person_count", "cross_division_links"):
        stats[column] = stats[column].astype(int)
    return stats


def cross_links(edges: pd.DataFrame, placed: pd.DataFrame) -> pd.Series:
    """Per division: party relationships with one end inside it and the other in another
    division of the same level (ends with no division at that level are not counted)."""
    where = placed.drop_duplicates("entity_id").set_index("entity_id")
    counts = []
    for lv in levels:
        a, b = edges["source"].map(where[lv]), edges["target"].map(where[lv])
        cross = a.notna() & b.notna() & (a != b)
        if cross.any():
            counts.append(pd.concat([a[cross], b[cross]]).value_counts())
    if not counts:
        return pd.Series(dtype=float)
    return pd.concat(counts).groupby(level=0).sum()


def check_ranking(level: str, by: str) -> None:
    """Refuse a level outside the code list or an unknown measure (before any work)."""
    if level not in levels:
        raise ValueError(f"--level {level!r} is not one of {', '.join(levels)}")
    if by not in MEASURES:
        raise ValueError(f"--by {by!r} is not one of {', '.join(MEASURES)}")


def ranked(table: pd.DataFrame, level: str, by: str, top: int) -> pd.DataFrame:
    """The ``top`` non-empty divisions of ``level`` by measure ``by`` (ties by code)."""
    rows = table[(table["level"] == level)
                 & ((table["person_count"] > 0) | (table["company_count"] > 0))]
    return rows.sort_values([MEASURES[by], "code"], ascending=[False, True]).head(top)


def prefectures_of(chains: pd.DataFrame, codes: pd.Series, level: str) -> pd.Index:
    """The prefectures that ``codes`` (divisions of ``level``) are, contain or lie in."""
    return pd.Index(chains.loc[chains[level].isin(codes), levels.prefecture]
                    .dropna().unique()).sort_values()


def industry_words(names: pd.Series) -> pd.Series:
    """The industry words of each company name (科技 in 长沙智远科技有限公司), as the
    loaders separate them from the core name and the legal form; NA where there are none."""
    from loaders.standardise.names import org_name_parts

    distinct = pd.Series(names.dropna().unique(), dtype=object)
    parts = org_name_parts(distinct)
    words = [_words_after_core(n, c, f) for n, c, f in
             zip(parts["name_norm"], parts["name_core"], parts["legal_form"], strict=True)]
    return names.map(dict(zip(distinct, words, strict=True))).astype("string")


def _words_after_core(norm: object, core: object, legal: object) -> str | None:
    if not isinstance(norm, str) or not isinstance(core, str) or core == norm:
        return None
    after = norm[norm.rfind(core) + len(core):]
    if isinstance(legal, str) and legal in after:
        after = after[:after.rfind(legal)]
    return after.strip("()") or None


def with_industry(companies: pd.DataFrame) -> pd.DataFrame:
    """Companies with ``industry`` from the source, else the name's industry words, else the
    organisation category of the credit code (个体工商户, 农民专业合作社, ...), else
    ``(unknown)``; ``industry_derived`` says which: ``name``, ``credit_code`` or ``no`` (from
    the source, or unknown)."""
    from loaders.standardise.creditcode import credit_code_categories

    source = companies["industry"].astype("string").str.strip()
    source = source.mask(source == "")
    words = industry_words(companies["name"].where(source.isna()))
    category = credit_code_categories(companies["credit_code"].where(source.isna()
                                                                     & words.isna()))
    derived = np.select([words.notna().to_numpy(dtype=bool),
                         category.notna().to_numpy(dtype=bool)], DERIVED_FROM, default=NOT_DERIVED)
    return companies.assign(
        industry=source.fillna(words).fillna(category).fillna(UNKNOWN_INDUSTRY).astype(str),
        industry_derived=derived)


def industry_mix(placed_companies: pd.DataFrame) -> pd.DataFrame:
    """Per division (every enclosing level), industry and derived flag: companies and their
    registered capital."""
    inside = pd.concat([placed_companies.assign(code=placed_companies[lv]) for lv in levels],
                       ignore_index=True).dropna(subset=["code"])
    return inside.groupby(["code", "industry", "industry_derived"])\
        .agg(companies=("entity_id", "nunique"), reg_capital=("reg_capital", "sum"))\
        .reset_index().rename(columns={"industry_derived": "derived"})\
        .sort_values(["code", "companies", "industry"], ascending=[True, False, True],
                     ignore_index=True)


def established_by_year(placed: pd.DataFrame) -> pd.DataFrame:
    """Companies established per year per prefecture: ``prefecture``, ``year``,
    ``companies``."""
    companies = placed[(placed["label"] == L.LegalPerson) & placed[levels.prefecture].notna()]
    year = pd.to_numeric(companies["established_year"], errors="coerce")
    companies = companies.assign(year=year).dropna(subset=["year"])
    out = companies.groupby([levels.prefecture, "year"])["entity_id"].nunique()\
        .rename("companies").reset_index()
    out["year"] = out["year"].astype(int)
    return out.rename(columns={levels.prefecture: "prefecture"})


def prefecture_flows(edges: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    """Shareholdings, legal representatives and employment whose two ends lie in different
    prefectures: ``from_prefecture``, ``to_prefecture``, ``type``, ``links``."""
    where = placed.drop_duplicates("entity_id").set_index("entity_id")[levels.prefecture]
    flows = edges[edges["type"].isin(flow_types())]
    a, b = flows["source"].map(where), flows["target"].map(where)
    cross = a.notna() & b.notna() & (a != b)
    out = pd.DataFrame({"from_prefecture": a[cross], "to_prefecture": b[cross],
                        "type": flows["type"][cross]})
    return out.groupby(["from_prefecture", "to_prefecture", "type"]).size()\
        .rename("links").reset_index()


def flow_matrix(flows: pd.DataFrame) -> pd.DataFrame:
    """The flows summed over types: rows from-prefecture, columns to-prefecture."""
    codes = sorted(set(flows["from_prefecture"]) | set(flows["to_prefecture"]))
    return flows.pivot_table(index="from_prefecture", columns="to_prefecture", values="links",
                             aggfunc="sum", fill_value=0)\
        .reindex(index=codes, columns=codes, fill_value=0).astype(int)


def department_coverage(holdings: pd.DataFrame, chains: pd.DataFrame) -> pd.DataFrame:
    """Which department holds records of how many of each prefecture's persons and
    companies: ``prefecture``, ``department``, ``persons``, ``companies``. ``holdings``
    counts entities per division ``code``, ``department`` and ``label``; an entity is located
    in one division, so the prefecture's count is the sum over the divisions inside it."""
    prefecture = holdings["code"].map(chains.set_index("code")[levels.prefecture])
    held = holdings.assign(prefecture=prefecture).dropna(subset=["prefecture"])
    if held.empty:
        return pd.DataFrame(columns=["prefecture", "department", "persons", "companies"])
    out = held.pivot_table(index=["prefecture", "department"], columns="label",
                           values="entities", aggfunc="sum", fill_value=0)
    out = out.reindex(columns=[L.NaturalPerson, L.LegalPerson], fill_value=0).astype(int)
    out.columns = ["persons", "companies"]
    return out.reset_index().sort_values(["prefecture", "department"], ignore_index=True)
