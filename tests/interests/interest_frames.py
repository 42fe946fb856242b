"""A hand-made load with shareholdings (an exact share, a range) and roles (two posts of one
person in one company, a legal representative from the company's own record), read by the
real relation standardiser as a department's file would be."""

from __future__ import annotations

import pandas as pd

from loaders.standardise.frames import standardise_relations
from tests.graph.graphstore_frames import Ingested, Linked

PSB, SAMR = "公安厅户籍", "市场监管局"
ZHANG, LI = "430102199001011238", "430103198505052342"  # check characters right
XINGCHEN, YUELU = "91430100MA4L00003Q", "91430104MA4L00011D"


RELATION_ROWS = [  # record_id, type as written, from_id, to_id, share as written, start date
    ("R1", "股东", LI, XINGCHEN, "35%", "2020-01-01"),
    ("R2", "股东", XINGCHEN, YUELU, "25%-50%", "2021-03-15"),
    ("R3", "董事", LI, XINGCHEN, None, "2019-06-01"),
    ("R4", "总经理", LI, XINGCHEN, None, "2022-01-01"),
    ("R5", "股东", ZHANG, YUELU, "60%", None),
]


def relations(rows: list[tuple] = RELATION_ROWS) -> pd.DataFrame:
    """The rows as ingest outputs them: through ``standardise_relations``."""
    raw = pd.DataFrame([(SAMR, "samr_rel.csv", rid, line, kind, a, b, share, start, None)
                        for line, (rid, kind, a, b, share, start) in enumerate(rows, start=2)],
                       columns=["department", "source", "record_id", "line", "type", "from_id",
                                "to_id", "share_ratio", "start_date", "end_date"])
    for column in raw.columns.drop("line"):
        raw[column] = raw[column].astype("string")
    return standardise_relations(raw).frame


def load(rows: list[tuple] = RELATION_ROWS) -> tuple[Ingested, Linked]:
    """Two persons, two companies (张三 represents 星辰 by law), and ``rows``."""
    persons = pd.DataFrame([
        (PSB, "psb.csv", "1", 2, "张三", ZHANG, True, "430102"),
        (PSB, "psb.csv", "2", 3, "李四", LI, True, "430103"),
    ], columns=["department", "source", "record_id", "line", "name", "id_number", "id_valid",
                "region_code"])
    organizations = pd.DataFrame([
        (SAMR, "samr.csv", "100", 2, "长沙星辰科技有限公司", XINGCHEN, True, "张三", ZHANG,
         "430100"),
        (SAMR, "samr.csv", "101", 3, "长沙岳麓投资有限公司", YUELU, True, None, None, "430104"),
    ], columns=["department", "source", "record_id", "line", "name", "credit_code",
                "credit_code_valid", "legal_rep_name", "legal_rep_id", "region_code"])
    clusters = pd.DataFrame([
        (PSB, "1", "P1", "person"), (PSB, "2", "P2", "person"),
        (SAMR, "100", "O1", "organization"), (SAMR, "101", "O2", "organization"),
    ], columns=["department", "record_id", "entity_id", "entity_type"])
    links = pd.DataFrame(columns=["department_l", "record_id_l", "department_r", "record_id_r",
                                  "score", "evidence"])
    return Ingested(persons, organizations, relations(rows)), Linked(clusters, links)
