"""The same address typed with or without spaces, or in full-width characters, standardises
to one `address` string; Latin addresses keep single spaces between words."""

from __future__ import annotations

import pandas as pd

from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.standardise.addresses import normalise_address_text


def test_spaces_between_chinese_characters_and_digits_are_removed():
    s = pd.Series(["湖南省岳阳市 岳阳县人民东路86号", "湖南省岳阳市岳阳县人民东路86号",
                   "湖南省岳阳市  岳阳县 人民东路 86 号", "湖南省岳阳市\t岳阳县人民东路86号",
                   "湖南省岳阳市\u3000岳阳县人民东路８６号", "湖南省岳阳市岳阳县人民东路８６号"])
    assert normalise_address_text(s).tolist() == ["湖南省岳阳市岳阳县人民东路86号"] * 6


def test_latin_addresses_keep_single_spaces_and_blank_becomes_null():
    s = pd.Series(["  12   Main\tStreet ", "Flat 3, 22 Ｋｉｎｇ Road", "\u3000", None,
                   "长沙市 IFS Tower 1号 3栋"])
    assert normalise_address_text(s).tolist() == [
        "12 Main Street", "Flat 3, 22 King Road", pd.NA, pd.NA, "长沙市IFS Tower 1号3栋"]


def test_ingested_persons_and_organisations_share_one_address_string(tmp_path):
    (tmp_path / "p.csv").write_text(
        "id,姓名,住址\n1,张三,湖南省岳阳市 岳阳县人民东路86号\n2,张三,湖南省岳阳市岳阳县人民东路86号\n"
        "3,李四,湖南省长沙市岳麓区　麓山南路 ８６ 号\n", encoding="utf-8")
    (tmp_path / "o.csv").write_text(
        "id,企业名称,住所\n1,岳阳某某有限公司,湖南省岳阳市 岳阳县 人民东路86号\n", encoding="utf-8")
    spec = tmp_path / "SOURCES.yaml"
    spec.write_text("""sources:
  - {department: 公安厅户籍, entity: person, format: csv, path: p.csv, id_column: id,
     columns: {姓名: name, 住址: address}}
  - {department: 市场监督管理局, entity: organization, format: csv, path: o.csv, id_column: id,
     columns: {企业名称: name, 住所: address}}
""", encoding="utf-8")
    result = ingest(load_spec(spec), progress=False)
    assert result.persons["address"].tolist() == [
        "湖南省岳阳市岳阳县人民东路86号", "湖南省岳阳市岳阳县人民东路86号",
        "湖南省长沙市岳麓区麓山南路86号"]
    assert result.organizations["address"].tolist() == ["湖南省岳阳市岳阳县人民东路86号"]
    assert result.persons["region_code"].nunique() == 2
    assert result.persons["region_code"].iloc[0] == result.organizations["region_code"].iloc[0]
