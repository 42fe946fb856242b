"""Printing ``kglink mine regions``: the ranked divisions, then for the prefectures they are,
contain or lie in: the industry mix, companies established per year, the cross-prefecture
link matrix and department coverage."""

from __future__ import annotations

import json

import pandas as pd

from graph.mining import MiningReport
from kglink.commands.mine import headline
from queries.formatting import render


def regions_sections(report: MiningReport) -> dict[str, tuple[str, pd.DataFrame]]:
    """Key -> (title, frame) of each printed section; all but the ranking restricted to the
    prefectures the ranked divisions are, contain or lie in."""
    d = report.details
    names = d["divisions"].set_index("code")["name"]
    focus, ranked = d["focus"], d["ranking"]
    industry = d["industry"][d["industry"]["code"].isin(ranked["code"])]
    established = d["established"][d["established"]["prefecture"].isin(focus)]
    coverage = d["coverage"][d["coverage"]["prefecture"].isin(focus)]
    level = report.summary["level"]
    return {
        "ranking": (f"{level} ranked by {report.summary['ranked by']}",
                    ranked[report.columns]),
        "industry": ("industry of the ranked divisions (derived: name = the company name's "
                     "industry words, credit_code = the credit code's organisation category)",
                     industry.assign(name=industry["code"].map(names))[
                         ["code", "name", "industry", "derived", "companies", "reg_capital"]]),
        "established": ("companies established per year (rows), per prefecture (columns)",
                        years_by_prefecture(established, names)),
        "flows": ("cross-prefecture links (shareholdings, legal representatives, employment;"
                  " rows from, columns to)", matrix_frame(d["flow_matrix"], focus, names)),
        "coverage": ("department coverage per prefecture (entities with a record there)",
                     coverage.assign(name=coverage["prefecture"].map(names))[
                         ["prefecture", "name", "department", "persons", "companies"]]),
    }


def years_by_prefecture(established: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """Year, then one column of company counts per prefecture (named)."""
    table = established.pivot_table(index="year", columns="prefecture", values="companies",
                                    aggfunc="sum", fill_value=0)
    frame = pd.DataFrame(table.to_numpy(dtype=int), columns=list(table.columns.map(names)))
    frame.insert(0, "year", table.index.to_numpy())
    return frame


def matrix_frame(matrix: pd.DataFrame, focus: pd.Index, names: pd.Series) -> pd.DataFrame:
    """The flow matrix among the prefectures linked to the focus, labelled by name."""
    linked = matrix.index[matrix.index.isin(focus)
                          | matrix.loc[:, matrix.columns.isin(focus)].sum(axis=1).gt(0)
                          | matrix.loc[matrix.index.isin(focus)].sum(axis=0).gt(0).to_numpy()]
    part = matrix.loc[linked, linked]
    frame = pd.DataFrame(part.to_numpy(), columns=list(part.columns.map(names)))
    frame.insert(0, "from \\ to", list(part.index.map(names)))
    return frame


def print_regions(report: MiningReport, fmt: str, write: bool) -> None:
    """Print the regions report as table text, JSON (one object) or CSV sections."""
    sections = regions_sections(report)
    if fmt == "json":
        payload = {"analysis": report.kind, "summary": report.summary,
                   "written": report.written,
                   **{key: frame.to_dict("records") for key, (_, frame) in sections.items()}}
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=_plain))
        return
    print(headline(report, write))
    for title, frame in sections.values():
        print(f"\n== {title}")
        print(render(list(frame.columns), frame.values.tolist(), fmt))


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else str(value)
