"""``mining.regions`` on the hand-built graph of ``regions_case.py``: every number below was
computed by hand from that file's PERSONS, COMPANIES and RELATIONS."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from graph import mining
from graph.store.division_rows import check_levels
from ontology.schema import division_levels

NON_EMPTY = {  # code: (company_count, person_count, reg_capital_total, cross_division_links)
    "430000": (6, 8, 51900.0, 0),
    "430100": (3, 4, 51500.0, 5), "430102": (1, 2, 500.0, 3), "430103": (1, 1, 50000.0, 1),
    "430200": (2, 2, 400.0, 4), "430202": (2, 2, 400.0, 3),
    "430300": (1, 1, 0.0, 1), "430302": (1, 1, 0.0, 1),
}


def stored_counts(graph) -> dict[str, tuple]:
    driver, database = graph
    records, _, _ = driver.execute_query(
        "MATCH (d:AdministrativeDivision) RETURN d.code AS code, d.company_count AS c, "
        "d.person_count AS p, d.reg_capital_total AS k, d.cross_division_links AS x",
        database_=database)
    return {r["code"]: (r["c"], r["p"], r["k"], r["x"]) for r in records}


def test_division_levels_come_from_the_ontology_code_list():
    assert list(division_levels) == ["province", "prefecture", "county"]
    assert division_levels.prefecture == "prefecture" and "city" not in division_levels
    with pytest.raises(AttributeError, match="DivisionLevel declares no 'city'"):
        division_levels.city  # noqa: B018


def test_division_table_with_a_drifted_level_is_refused():
    with pytest.raises(ValueError, match=r"^division table: level 'city' is not one of "
                       r"province, prefecture, county \(ontology kgc:DivisionLevel\)$"):
        check_levels(pd.Series(["province", "city", "county"]))


def test_counts_roll_up_through_every_level(regions_graph):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        report = mining.regions(*regions_graph)
    stored = stored_counts(regions_graph)
    assert report.written == len(stored) == 3219
    assert {c: v for c, v in stored.items() if v != (0, 0, 0.0, 0)} == NON_EMPTY
    # a prefecture = its counties + what is located at the prefecture itself (P4, C4 at 长沙)
    assert NON_EMPTY["430100"][:3] == (1 + 1 + 1, 2 + 1 + 1, 500.0 + 50000.0 + 1000.0)
    for prefecture, county in (("430200", "430202"), ("430300", "430302")):
        assert NON_EMPTY[prefecture][:3] == NON_EMPTY[county][:3]
    # the province = its prefectures + what is located at the province itself (P8)
    assert NON_EMPTY["430000"][:3] == (3 + 2 + 1, 4 + 2 + 1 + 1, 51500.0 + 400.0 + 0.0)


@pytest.mark.parametrize(("level", "by", "top", "codes"), [
    ("prefecture", "persons", 3, ["430100", "430200", "430300"]),
    ("prefecture", "reg_capital", 2, ["430100", "430200"]),
    ("prefecture", "cross_links", 1, ["430100"]),
    ("county", "persons", 3, ["430102", "430202", "430103"]),  # ties by code
    ("county", "companies", 10, ["430202", "430102", "430103", "430302"]),  # only non-empty
    ("province", "persons", 5, ["430000"]),
])
def test_rankings_list_only_non_empty_divisions(regions_graph, level, by, top, codes):
    report = mining.regions(*regions_graph, write=False, level=level, by=by, top=top)
    assert [row[0] for row in report.rows] == codes
    assert {row[2] for row in report.rows} == {level}


def test_bad_level_or_measure_is_refused_before_any_work(regions_graph):
    with pytest.raises(ValueError, match=r"^--level 'city' is not one of province, "
                       "prefecture, county$"):
        mining.regions(*regions_graph, level="city")
    with pytest.raises(ValueError, match=r"^--by 'people' is not one of persons, companies, "
                       "reg_capital, cross_links$"):
        mining.regions(*regions_graph, by="people")


def test_industry_from_the_source_else_derived_from_the_name(regions_graph):
    industry = mining.regions(*regions_graph, write=False).details["industry"]
    rows = industry[industry["code"].isin(["430100", "430200", "430300"])]
    assert rows.values.tolist() == [
        ["430100", "(unknown)", "no", 1, 50000.0],   # 长沙明辉有限公司: no industry words
        ["430100", "信息技术", "no", 1, 500.0],       # from the source
        ["430100", "卫生和社会工作", "no", 1, 1000.0],
        ["430200", "实业", "name", 1, 100.0],         # 株洲华菱实业有限公司
        ["430200", "建设", "name", 1, 300.0],         # 株洲宏达建设有限公司
        ["430300", "贸易", "name", 1, 0.0]]           # 湘潭鑫源贸易有限公司 (in USD)


def test_companies_established_per_year_per_prefecture(regions_graph):
    established = mining.regions(*regions_graph, write=False).details["established"]
    assert established.values.tolist() == [
        ["430100", 2019, 1], ["430100", 2020, 1], ["430100", 2021, 1],
        ["430200", 2019, 2], ["430300", 2020, 1]]


def test_cross_prefecture_flow_matrix(regions_graph):
    details = mining.regions(*regions_graph, write=False).details
    assert details["flows"].values.tolist() == [
        ["430100", "430200", "LEGAL_REPRESENTATIVE_OF", 1],  # P1 -> C2
        ["430100", "430200", "SHAREHOLDER_OF", 1],           # C1 -> C2
        ["430100", "430300", "SHAREHOLDER_OF", 1],           # P3 -> C3
        ["430200", "430100", "EMPLOYED_BY", 1]]              # P6 -> C4
    matrix = details["flow_matrix"]
    assert list(matrix.index) == list(matrix.columns) == ["430100", "430200", "430300"]
    assert matrix.values.tolist() == [[0, 2, 1], [1, 0, 0], [0, 0, 0]]


def test_department_coverage_per_prefecture(regions_graph):
    coverage = mining.regions(*regions_graph, write=False).details["coverage"]
    assert coverage.values.tolist() == [
        ["430100", "人社厅社保", 2, 0], ["430100", "公安厅户籍", 4, 0],
        ["430100", "市场监管局", 0, 3], ["430100", "税务局", 0, 1],
        ["430200", "人社厅社保", 1, 0], ["430200", "公安厅户籍", 2, 0],
        ["430200", "市场监管局", 0, 2], ["430200", "税务局", 0, 1],
        ["430300", "公安厅户籍", 1, 0], ["430300", "市场监管局", 0, 1]]


def test_a_drifted_level_in_the_graph_is_refused(regions_graph):
    driver, database = regions_graph
    driver.execute_query("MATCH (d:AdministrativeDivision {code: '430200'}) "
                         "SET d.level = 'city'", database_=database)
    try:
        with pytest.raises(ValueError, match=r"^graph: AdministrativeDivision 430200 has "
                           r"level 'city', not one of province, prefecture, county"):
            mining.regions(driver, database)
    finally:
        driver.execute_query("MATCH (d:AdministrativeDivision {code: '430200'}) "
                             "SET d.level = 'prefecture'", database_=database)
