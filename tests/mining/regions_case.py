"""A hand-built Hunan graph for ``mine regions``, written through the real graph store, with
answers computed by hand (see test_regions.py).

Divisions used: 湖南省 430000; 长沙市 430100 (芙蓉区 430102, 天心区 430103); 株洲市 430200
(荷塘区 430202); 湘潭市 430300 (雨湖区 430302). P4 and C4 are located at 长沙市 itself, P8 at
the province itself. Registered capital is summed in yuan: C6's "5万元" is 50000.0, C3's
"200万美元" is in another currency and not summed.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

PSB, HRSS, SAMR, TAX, CIVIL = "公安厅户籍", "人社厅社保", "市场监管局", "税务局", "民政厅"

PERSONS = [  # entity, department, record_id, name, region_code
    ("P1", PSB, "1", "张一", "430102"), ("P1", HRSS, "h1", "张一", "430102"),
    ("P2", PSB, "2", "李二", "430102"), ("P2", HRSS, "h2", "李二", "430102"),
    ("P3", PSB, "3", "王三", "430103"),
    ("P4", PSB, "4", "赵四", "430100"),
    ("P5", PSB, "5", "钱五", "430202"), ("P5", HRSS, "h5", "钱五", "430202"),
    ("P6", PSB, "6", "孙六", "430202"),
    ("P7", PSB, "7", "周七", "430302"),
    ("P8", PSB, "8", "吴八", "430000"),
]
COMPANIES = [  # entity, department, record_id, name, industry, reg_capital, established, code
    ("C1", SAMR, "c1", "长沙星辰科技有限公司", "信息技术", 500.0, "2019-03-01", "430102"),
    ("C1", TAX, "t1", "长沙星辰科技有限公司", None, None, None, "430102"),
    ("C2", SAMR, "c2", "株洲宏达建设有限公司", None, 300.0, "2019-06-01", "430202"),
    ("C2", TAX, "t2", "株洲宏达建设有限公司", None, None, None, "430202"),
    ("C3", SAMR, "c3", "湘潭鑫源贸易有限公司", None, "200万美元", "2020-01-01", "430302"),
    ("C4", SAMR, "c4", "长沙德润医药有限公司", "卫生和社会工作", 1000.0, "2020-05-05", "430100"),
    ("C5", SAMR, "c5", "株洲华菱实业有限公司", None, 100.0, "2019-09-09", "430202"),
    ("C6", SAMR, "c6", "长沙明辉有限公司", None, "5万元", "2021-01-01", "430103"),
]
RELATIONS = [  # department, record_id, type, from (DEPT:RECORD_ID), to, share_ratio
    (SAMR, "r1", "legal_representative", f"{PSB}:1", f"{SAMR}:c1", None),
    (SAMR, "r2", "legal_representative", f"{PSB}:1", f"{SAMR}:c2", None),
    (SAMR, "r3", "legal_representative", f"{PSB}:7", f"{SAMR}:c3", None),
    (SAMR, "r4", "legal_representative", f"{PSB}:5", f"{SAMR}:c5", None),
    (SAMR, "r5", "shareholder", f"{PSB}:3", f"{SAMR}:c3", 0.4),
    (SAMR, "r6", "shareholder", f"{SAMR}:c1", f"{SAMR}:c2", 0.6),
    (SAMR, "r7", "shareholder", f"{PSB}:8", f"{SAMR}:c1", 0.2),
    (HRSS, "r8", "employee", f"{PSB}:6", f"{SAMR}:c4", None),
    (HRSS, "r9", "employee", f"{PSB}:2", f"{SAMR}:c1", None),
    (CIVIL, "r10", "spouse", f"{PSB}:1", f"{PSB}:5", None),
]


def frames() -> tuple[SimpleNamespace, SimpleNamespace]:
    """Ingest- and link-shaped frames of the case (what the graph store reads of them)."""
    persons = pd.DataFrame([
        (dept, "persons.csv", rid, i + 2, name, None, False, None, None, None, None, code)
        for i, (_, dept, rid, name, code) in enumerate(PERSONS)],
        columns=["department", "source", "record_id", "line", "name", "id_number", "id_valid",
                 "phone", "birth_date", "sex", "address", "region_code"])
    organizations = pd.DataFrame([
        (dept, "companies.csv", rid, i + 2, name, None, False, None, None, industry, capital,
         established, code)
        for i, (_, dept, rid, name, industry, capital, established, code)
        in enumerate(COMPANIES)],
        columns=["department", "source", "record_id", "line", "name", "credit_code",
                 "credit_code_valid", "legal_rep_name", "legal_rep_id", "industry",
                 "reg_capital", "established_date", "region_code"])
    relations = pd.DataFrame([
        (dept, "relations.csv", rid, i + 2, kind, a, b, ratio, None, None)
        for i, (dept, rid, kind, a, b, ratio) in enumerate(RELATIONS)],
        columns=["department", "source", "record_id", "line", "type", "from_id", "to_id",
                 "share_ratio", "start_date", "end_date"])
    clusters = pd.DataFrame(
        [(dept, rid, eid, "person") for eid, dept, rid, _, _ in PERSONS]
        + [(dept, rid, eid, "organization") for eid, dept, rid, *_ in COMPANIES],
        columns=["department", "record_id", "entity_id", "entity_type"])
    links = pd.DataFrame(columns=["department_l", "record_id_l", "department_r", "record_id_r",
                                  "score", "evidence"])
    return (SimpleNamespace(persons=persons, organizations=organizations, relations=relations),
            SimpleNamespace(clusters=clusters, links=links))


def build(driver, database) -> None:
    """Write the case into an empty database through the graph store."""
    from graph.store.write import write_graph

    ingested, linked = frames()
    write_graph(driver, database, ingested, linked, progress=False, bulk="never")
