"""Industry derived from the credit code's organisation category (GB 32100-2015, characters
1-2, named by the ontology's kgc:CreditCodeCategory) when neither the source nor the name
gives one, and flagged ``credit_code``; hand-computed on the regions case plus five 湘潭
companies (雨湖区 430302) with credit codes."""

from __future__ import annotations

import pandas as pd
import pytest
from regions_case import frames

from graph import mining
from graph.region_charts import industry_labels, industry_png
from loaders.standardise.creditcode import credit_code_categories

SAMR = "市场监管局"
# 湘潭市's industry rows as the chart labels them: derived ones (name, credit code) marked *
XIANGTAN_LABELS = ["(unknown)", "个体工商户 *", "农民专业合作社 *", "社会工作", "科技 *", "贸易 *"]
EXTRA = [  # entity, record_id, name, credit_code, industry, reg_capital -> expected
    ("C7", "c7", "湘潭市雨湖区李记小吃店", "92430302L123456746", None, 30000.0),      # 个体工商户
    ("C8", "c8", "湘潭丰收农民专业合作社", "93430302M23456780J", None, "10万元"),    # 合作社
    ("C9", "c9", "湘潭市红叶基金会", "53430302N345678978", "社会工作", 2000000.0),  # source
    ("C10", "c10", "湘潭恒昌科技有限公司", "91430302P456789092", None, 500000.0),  # name: 科技
    ("C11", "c11", "湘潭恒昌", "99430302R678901204", None, None),                 # 99: unlisted
]


def test_credit_code_category_from_the_first_two_characters():
    codes = pd.Series(["92430302L123456746", "51430100MJ000000XH", "y1430000abc123451e", None,
                       "99430302R678901204", "", " 93430302M23456780J ",
                       "51430100MJ000000XJ"])  # a wrong check character: no category
    assert credit_code_categories(codes).fillna("-").tolist() == [
        "个体工商户", "社会团体", "其他", "-", "-", "-", "农民专业合作社", "-"]


@pytest.fixture(scope="module")
def credit_graph(neo4j_target):
    """The regions case plus the five companies of EXTRA, written through the graph store."""
    from graph.admin import reset_database
    from graph.store.write import write_graph

    ingested, linked = frames()
    orgs = ingested.organizations
    extra = pd.DataFrame([
        (SAMR, "companies.csv", rid, len(orgs) + i + 2, name, code, True, None, None, industry,
         capital, "2022-02-02", "430302")
        for i, (_, rid, name, code, industry, capital) in enumerate(EXTRA)],
        columns=orgs.columns)
    ingested.organizations = pd.concat([orgs, extra], ignore_index=True)
    linked.clusters = pd.concat([linked.clusters, pd.DataFrame(
        [(SAMR, rid, eid, "organization") for eid, rid, *_ in EXTRA],
        columns=linked.clusters.columns)], ignore_index=True)
    driver, database = neo4j_target
    reset_database(driver, database)
    write_graph(driver, database, ingested, linked, progress=False, bulk="never")
    return driver, database


def test_industry_source_then_name_then_credit_code(credit_graph):
    report = mining.regions(*credit_graph, write=False)
    industry = report.details["industry"]
    assert industry[industry["code"] == "430300"].drop(columns="code").values.tolist() == [
        ["(unknown)", "no", 1, 0.0],                # C11 湘潭恒昌: prefix 99 is not listed
        ["个体工商户", "credit_code", 1, 30000.0],  # C7 92...
        ["农民专业合作社", "credit_code", 1, 100000.0],  # C8 93..., 10万元
        ["社会工作", "no", 1, 2000000.0],            # C9: the source wins over 53 (基金会)
        ["科技", "name", 1, 500000.0],             # C10: the name wins over 91 (企业)
        ["贸易", "name", 1, 0.0]]                  # C3 (no credit code; capital in USD)
    province = industry[industry["code"] == "430000"]
    assert province.groupby("derived")["companies"].sum().to_dict() == \
        {"credit_code": 2, "name": 4, "no": 5}
    assert (report.summary["companies_located"], report.summary["industry_from_name"],
            report.summary["industry_from_credit_code"]) == (11, 4, 2)


def test_industry_chart_marks_both_derivations(credit_graph):
    industry = mining.regions(*credit_graph, write=False).details["industry"]
    xiangtan = industry[industry["code"] == "430300"].assign(name="湘潭市")
    assert sorted(industry_labels(xiangtan)) == XIANGTAN_LABELS
    png = industry_png(xiangtan)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
