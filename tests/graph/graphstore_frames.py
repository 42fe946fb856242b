"""Ingest- and link-shaped frames for the graph store tests and benchmark: a small hand-made
case with known answers, and a vectorised generator for volume (until the loaders'
generator and the linking engine are used end to end)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PSB, HRSS, SAMR, TAX, CIVIL = "公安厅户籍", "人社厅社保", "市场监管局", "税务局", "民政厅"


@dataclass
class Ingested:
    persons: pd.DataFrame
    organizations: pd.DataFrame
    relations: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Linked:
    clusters: pd.DataFrame
    links: pd.DataFrame


def _ev(rule: str, score: float) -> str:
    return json.dumps({"rule": rule, "total": score}, separators=(",", ":"))


def small_case() -> tuple[Ingested, Linked]:
    """Five person records (three entities), two organisation records (one entity), three
    relation records (one unresolvable)."""
    persons = pd.DataFrame([
        # department, source, record_id, line, name, id_number, id_valid, phone, birth_date,
        # sex, address, region_code
        (PSB, "psb.csv", "1", 2, "张三", "430102199001011234", True, "13800000001",
         "1990-01-01", "M", "长沙市芙蓉区五一大道1号", "430102"),
        (HRSS, "hrss.csv", "7", 2, "张三", "430102199001011234", True, "13900000009",
         "1990-01-01", "M", "长沙市芙蓉区五一大道1号", "430102"),
        (PSB, "psb.csv", "2", 3, "李四", "430103198505052345", True, "13800000002",
         "1985-05-05", "F", "长沙市天心区", "430103"),
        (HRSS, "hrss.csv", "8", 3, "李肆", None, False, "13800000002",
         "1985-05-05", "F", None, None),
        (PSB, "psb.csv", "3", 4, "王五", "43010419700707345X", True, None,
         "1970-07-07", "M", "湘潭市", "439999"),
    ], columns=["department", "source", "record_id", "line", "name", "id_number", "id_valid",
                "phone", "birth_date", "sex", "address", "region_code"])
    organizations = pd.DataFrame([
        (SAMR, "samr.csv", "100", 2, "长沙星辰科技有限公司", "91430100MA4L000001", True,
         "张三", "430102199001011234", "软件", 500.0, "430102"),
        (TAX, "tax.csv", "200", 2, "长沙星辰科技有限公司", "91430100MA4L000001", True,
         None, None, None, None, "430100"),
    ], columns=["department", "source", "record_id", "line", "name", "credit_code",
                "credit_code_valid", "legal_rep_name", "legal_rep_id", "industry",
                "reg_capital", "region_code"])
    relations = pd.DataFrame([
        (SAMR, "rel.csv", "R1", 2, "shareholder", "430103198505052345", "91430100MA4L000001",
         0.35, "2020-01-01", None),
        (CIVIL, "civil.csv", "R2", 2, "spouse", f"{PSB}:2", f"{PSB}:1", None, None, None),
        (CIVIL, "civil.csv", "R3", 3, "spouse", "110101199901010000", "430102199001011234",
         None, None, None),
        (CIVIL, "civil.csv", "R4", 4, "child", f"{PSB}:3", f"{PSB}:1", None, None, None),
    ], columns=["department", "source", "record_id", "line", "type", "from_id", "to_id",
                "share_ratio", "start_date", "end_date"])
    clusters = pd.DataFrame([
        (PSB, "1", "P1", "person"), (HRSS, "7", "P1", "person"),
        (PSB, "2", "P2", "person"), (HRSS, "8", "P2", "person"),
        (PSB, "3", "P3", "person"),
        (SAMR, "100", "O1", "organization"), (TAX, "200", "O1", "organization"),
    ], columns=["department", "record_id", "entity_id", "entity_type"])
    links = pd.DataFrame([
        (PSB, "1", HRSS, "7", 1.0, _ev("id_number", 1.0)),
        (PSB, "2", HRSS, "8", 0.91, _ev("fellegi_sunter", 0.91)),
        (SAMR, "100", TAX, "200", 1.0, _ev("credit_code", 1.0)),
    ], columns=["department_l", "record_id_l", "department_r", "record_id_r", "score",
                "evidence"])
    return Ingested(persons, organizations, relations), Linked(clusters, links)


DEPARTMENTS = np.array([PSB, HRSS, "卫健委", "教育厅"])
ORG_DEPARTMENTS = np.array([SAMR, TAX])
SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"))
GIVEN = np.array(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"))
COUNTIES = np.array(["430102", "430103", "430104", "430105", "430111", "430112", "430121",
                     "430181", "430202", "430203", "430302", "430304", "430402", "430405"])


def generated(persons: int, organizations: int, seed: int = 7) -> tuple[Ingested, Linked]:
    """Vectorised volume data: ~1.6 person records per person entity, ~1.3 per company,
    legal representatives, shareholders and spouses; the clusters are the truth."""
    rng = np.random.default_rng(seed)
    n_people = max(1, int(persons / 1.6))
    person_of = np.sort(rng.integers(0, n_people, persons))
    people_ids = np.char.add("P", np.char.zfill(np.arange(n_people).astype(str), 9))
    id_numbers = np.char.add(np.char.add(COUNTIES[np.arange(n_people) % len(COUNTIES)],
                                         np.char.zfill(np.arange(n_people).astype(str), 11)),
                             "X")
    names = np.char.add(SURNAMES[rng.integers(0, len(SURNAMES), n_people)],
                        np.char.add(GIVEN[rng.integers(0, len(GIVEN), n_people)],
                                    GIVEN[rng.integers(0, len(GIVEN), n_people)]))
    phones = np.char.add("138", np.char.zfill(rng.integers(0, 10**8, n_people).astype(str), 8))
    pdep = DEPARTMENTS[rng.integers(0, len(DEPARTMENTS), persons)]
    p = pd.DataFrame({
        "department": pdep, "source": np.char.add(pdep, ".parquet"),
        "record_id": np.char.add("p", np.arange(persons).astype(str)),
        "line": np.arange(persons) + 2,
        "name": names[person_of], "id_number": id_numbers[person_of], "id_valid": True,
        "phone": np.where(rng.random(persons) < 0.8, phones[person_of], None),
        "birth_date": "1980-01-01", "sex": np.where(person_of % 2 == 0, "M", "F"),
        "address": np.char.add("湖南省长沙市", np.char.add(
            (person_of % 900).astype(str), "号")),
        "region_code": COUNTIES[person_of % len(COUNTIES)],
    })
    n_orgs = max(1, int(organizations / 1.3))
    org_of = np.sort(rng.integers(0, n_orgs, organizations))
    org_ids = np.char.add("O", np.char.zfill(np.arange(n_orgs).astype(str), 9))
    credit = np.char.add("91430100", np.char.zfill(np.arange(n_orgs).astype(str), 10))
    rep = rng.integers(0, n_people, n_orgs)
    odep = ORG_DEPARTMENTS[rng.integers(0, len(ORG_DEPARTMENTS), organizations)]
    o = pd.DataFrame({
        "department": odep, "source": np.char.add(odep, ".parquet"),
        "record_id": np.char.add("o", np.arange(organizations).astype(str)),
        "line": np.arange(organizations) + 2,
        "name": np.char.add(np.char.add("湖南", org_ids[org_of]), "科技有限公司"),
        "credit_code": credit[org_of], "credit_code_valid": True,
        "legal_rep_name": names[rep[org_of]], "legal_rep_id": id_numbers[rep[org_of]],
        "region_code": COUNTIES[org_of % len(COUNTIES)],
    })
    n_share = n_orgs
    n_spouse = n_people // 4
    r = pd.DataFrame({
        "department": np.repeat([SAMR, CIVIL], [n_share, n_spouse]),
        "source": "relations.parquet",
        "record_id": np.char.add("r", np.arange(n_share + n_spouse).astype(str)),
        "line": np.arange(n_share + n_spouse) + 2,
        "type": np.repeat(["shareholder", "spouse"], [n_share, n_spouse]),
        "from_id": np.concatenate([id_numbers[rng.integers(0, n_people, n_share)],
                                   id_numbers[rng.integers(0, n_people, n_spouse)]]),
        "to_id": np.concatenate([credit[np.arange(n_share)],
                                 id_numbers[rng.integers(0, n_people, n_spouse)]]),
        "share_ratio": np.concatenate([rng.random(n_share).round(3),
                                       np.full(n_spouse, np.nan)]),
        "start_date": None, "end_date": None,
    })
    clusters = pd.concat([
        pd.DataFrame({"department": p["department"], "record_id": p["record_id"],
                      "entity_id": people_ids[person_of], "entity_type": "person"}),
        pd.DataFrame({"department": o["department"], "record_id": o["record_id"],
                      "entity_id": org_ids[org_of], "entity_type": "organization"}),
    ], ignore_index=True)
    links = _chain_links(clusters)
    return Ingested(p, o, r), Linked(clusters, links)


def _chain_links(clusters: pd.DataFrame) -> pd.DataFrame:
    """One link from each record to the previous record of its cluster."""
    ordered = clusters.sort_values(["entity_id", "department", "record_id"])
    same = (ordered["entity_id"].to_numpy()[1:] == ordered["entity_id"].to_numpy()[:-1])
    left, right = ordered.iloc[:-1][same], ordered.iloc[1:][same]
    return pd.DataFrame({"department_l": left["department"].to_numpy(),
                         "record_id_l": left["record_id"].to_numpy(),
                         "department_r": right["department"].to_numpy(),
                         "record_id_r": right["record_id"].to_numpy(),
                         "score": 0.97, "evidence": _ev("id_number", 0.97)})
