"""A company's registration status is a code list (kgc:RegistrationStatus): the sources'
variants are read as its notations, anything else is left empty and flagged."""

from __future__ import annotations

import pandas as pd

from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.standardise.codes import STATUS, normalise_status, unrecognised_status
from ontology.schema import code_labels, registration_statuses

VARIANTS = ["存续（在营、开业、在册）", "在营", "吊销，未注销", "吊销,已注销", " 注销 ", "Active",
            "清算中", "停业", "已迁出", "撤销", None, "未知", "营业中"]


def test_the_ontology_declares_the_statuses_in_order():
    assert list(registration_statuses) == ["存续", "停业", "迁出", "撤销", "吊销", "注销", "清算"]
    assert code_labels("RegistrationStatus", "en") == {
        "存续": "active", "停业": "suspended", "迁出": "moved out",
        "撤销": "registration cancelled", "吊销": "licence revoked", "注销": "deregistered",
        "清算": "in liquidation"}


def test_every_source_term_maps_to_a_declared_status_and_every_status_has_terms():
    assert set(STATUS.values()) == set(registration_statuses)


def test_variants_read_as_notations_and_the_rest_flagged():
    s = pd.Series(VARIANTS, dtype="string")
    assert normalise_status(s).tolist() == [
        "存续", "存续", "吊销", "注销", "注销", "存续", "清算", "停业", "迁出", "撤销", pd.NA, pd.NA,
        pd.NA]
    assert unrecognised_status(s).tolist() == [False] * 12 + [True]


def test_ingest_writes_notations_and_counts_the_flag(tmp_path):
    rows = "".join(f'o{i},公司{i},"{"" if v is None else v}"\n' for i, v in enumerate(VARIANTS))
    (tmp_path / "orgs.csv").write_text("编号,名称,状态\n" + rows, encoding="utf-8")
    (tmp_path / "SOURCES.yaml").write_text("""sources:
  - {department: 市场监管局, entity: organization, format: csv, path: orgs.csv, id_column: 编号,
     columns: {名称: name, 状态: status}}
""", encoding="utf-8")
    result = ingest(load_spec(tmp_path / "SOURCES.yaml"), progress=False)
    assert result.organizations["status"].fillna("").tolist() == [
        "存续", "存续", "吊销", "注销", "注销", "存续", "清算", "停业", "迁出", "撤销", "", "", ""]
    assert result.report["sources"][0]["flags"]["status_unrecognised"] == 1
    flagged = result.organizations.set_index("record_id")["flags"].fillna("")
    assert [k for k in flagged.index if "status_unrecognised" in flagged[k]] == ["o12"]
