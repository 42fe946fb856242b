"""The per-department data-quality report on a hand-built example whose counts are known."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from linking.quality import quality_report, render_markdown

PSB = "公安厅户籍"
SAMR = "市场监管局"


def _example() -> tuple[SimpleNamespace, pd.DataFrame]:
    persons = pd.DataFrame([
        # department, record_id, name, id_number, id_valid, birth_date, phone, sex, email
        (PSB, "r1", "张三", "110101199001020011", True, "1990-01-02", "13812345678", "M", None),
        (PSB, "r2", "张三", "110101199001020011", True, "1990-02-30", "12345", "M", None),
        (PSB, "r3", "李四", None, None, None, "01012345678", "F", None),
        (PSB, "r4", "  ", "X123", False, "1985-05-05", None, None, None),
        (SAMR, "b1", "张三", "110101199001020011", True, "1990-01-02", "13812345678", "M",
         "zs@example.cn"),
        (SAMR, "b2", "王五", None, None, None, None, "X", "not-an-email"),
    ], columns=["department", "record_id", "name", "id_number", "id_valid", "birth_date",
                "phone", "sex", "email"])
    organizations = pd.DataFrame([
        (SAMR, "o1", "某某科技有限公司", "91350100M000100Y43", True, "2001-05-06"),
        (SAMR, "o2", "某某科技公司", "91350100M000100Y44", False, "2001-13-06"),
    ], columns=["department", "record_id", "name", "credit_code", "credit_code_valid",
                "established_date"])
    quarantine = pd.DataFrame({"department": [PSB, PSB, SAMR], "reason": ["a", "b", "c"]})
    clusters = pd.DataFrame([
        (PSB, "r1", "P1", "person"), (PSB, "r2", "P1", "person"), (PSB, "r3", "P2", "person"),
        (PSB, "r4", "P3", "person"), (SAMR, "b1", "P1", "person"), (SAMR, "b2", "P4", "person"),
        (SAMR, "o1", "O1", "organization"), (SAMR, "o2", "O1", "organization"),
    ], columns=["department", "record_id", "entity_id", "entity_type"])
    ingested = SimpleNamespace(persons=persons, organizations=organizations,
                               relations=pd.DataFrame(), quarantine=quarantine)
    return ingested, clusters


def test_counts_duplicates_and_shared_entities():
    report = quality_report(*_example())
    psb = report["departments"][PSB]["person"]
    assert (psb["records"], psb["entities"]) == (4, 3)
    assert (psb["duplicate_records"], psb["duplicated_entities"]) == (1, 1)
    assert psb["duplicate_rate"] == 0.25
    assert psb["shared_entities"] == 1
    samr = report["departments"][SAMR]
    assert (samr["person"]["records"], samr["person"]["duplicate_records"]) == (2, 0)
    assert samr["person"]["shared_entities"] == 1
    assert (samr["organization"]["records"], samr["organization"]["entities"]) == (2, 1)
    assert samr["organization"]["duplicate_records"] == 1
    assert "organization" not in report["departments"][PSB]
    assert report["totals"]["person"] == {"records": 6, "entities": 4, "clustered_records": 6}
    assert report["quarantined"] == {PSB: 2, SAMR: 1}


def test_completeness_and_validity_per_field():
    report = quality_report(*_example())
    fields = report["departments"][PSB]["person"]["fields"]
    assert fields["name"] == {"filled": 3, "completeness": 0.75}  # blank name is not filled
    assert fields["id_number"] == {"filled": 3, "completeness": 0.75, "valid": 2,
                                   "invalid": 1, "validity": pytest.approx(0.6667)}
    assert (fields["birth_date"]["valid"], fields["birth_date"]["invalid"]) == (2, 1)  # 02-30
    assert (fields["phone"]["valid"], fields["phone"]["invalid"]) == (2, 1)  # mobile+landline
    assert (fields["sex"]["valid"], fields["sex"]["invalid"]) == (3, 0)
    assert report["departments"][PSB]["person"]["absent_fields"] == ["email"]
    samr_fields = report["departments"][SAMR]["person"]["fields"]
    assert (samr_fields["email"]["valid"], samr_fields["email"]["invalid"]) == (1, 1)
    assert samr_fields["sex"]["invalid"] == 1
    org_fields = report["departments"][SAMR]["organization"]["fields"]
    assert (org_fields["credit_code"]["valid"], org_fields["credit_code"]["invalid"]) == (1, 1)
    assert org_fields["established_date"]["invalid"] == 1


def test_overlap_matrix():
    report = quality_report(*_example())
    persons = report["overlap"]["person"]
    assert persons["departments"] == sorted([PSB, SAMR])
    assert persons["matrix"][PSB] == {PSB: 3, SAMR: 1}
    assert persons["matrix"][SAMR] == {PSB: 1, SAMR: 2}
    assert report["overlap"]["organization"]["matrix"] == {SAMR: {SAMR: 1}}


def test_report_is_json_and_markdown_keeps_chinese_names():
    report = quality_report(*_example())
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report
    text = render_markdown(report)
    assert f"## {PSB}" in text and f"## {SAMR}" in text
    assert "| id_number | 3 | 75.0% | 1 | 66.7% |" in text
    assert f"| {PSB} | 3 | 1 |" in text
    assert "4 records -> 3 entities" in text
    assert "2 row(s) quarantined" in text


def test_clusters_without_required_columns_are_refused():
    ingested, clusters = _example()
    with pytest.raises(ValueError, match="entity_type"):
        quality_report(ingested, clusters.drop(columns=["entity_type"]))
