"""Ingest on Spark equals the local ingest: the same frames (values, order, types), the same
quarantine rows and the same report, on the generator's six formats and on hand-made sources
whose every faulty row is known."""

from __future__ import annotations

from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

from linking.spark.ingest import ingest_on_spark
from loaders.ingest import Ingested, ingest
from loaders.spec import load_spec

ID = "430102199001011238"


def _same(spark_run: Ingested, local: Ingested) -> None:
    for name in ("persons", "organizations", "relations", "quarantine"):
        assert_frame_equal(getattr(spark_run, name), getattr(local, name), check_exact=True)
    assert spark_run.report == local.report


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Path:
    """Hand-made sources: one of each fault ingest quarantines or flags, over four formats."""
    from openpyxl import Workbook

    root = tmp_path_factory.mktemp("faulty")
    (root / "persons.csv").write_text(
        "记录号,姓名,身份证,出生日期\n"
        "1,张三,430102199001011238,1990-01-01\n"
        "2,李四\n"                                   # ragged: quarantined by the reader
        ",王五,,\n"                                  # missing_record_id
        "4,,,\n"                                     # missing_required
        "1,張三,,\n"                                 # duplicate_record_id; traditional name
        "6,赵六,430102199001011230,1990-13-45\n"     # bad check digit; unparsed date
        "7,钱七,,1870-05-01\n", encoding="utf-8")    # a real date out of range
    (root / "people.jsonl").write_text(
        '{"id": "a1", "given": "Ada", "family": "Lovelace", "born": "1815-12-10"}\n'
        '{"id": "a2", "given": "Charles"\n'          # invalid JSON
        '{"id": "a3", "name": "Mary Shelley"}\n', encoding="utf-8")
    book = Workbook()
    for row in [["记录号", "姓名", "身份证"], [1, "=\"孙\"&\"八\"", ID], [2, "周九", ID],
                [3, "=B2", "=C2"]]:
        book.active.append(row)
    book.save(root / "extra.xlsx")
    (root / "orgs.csv").write_text(
        "编号,名称,信用代码\n"
        "o1,长沙星辰科技有限公司,91430100MA4L0XXXXX\n"
        "o2,,\n", encoding="utf-8")
    (root / "relations.csv").write_text(
        "编号,类型,起点,终点,比例\n"
        "r1,股东,1,o1,30%\n"
        "r2,远亲,1,6,\n"                              # unknown type: rejected by the standardiser
        "r3,股东,6,o1,lots\n", encoding="utf-8")     # share ratio unparsed
    (root / "SOURCES.yaml").write_text("""sources:
  - {department: 公安厅户籍, entity: person, format: csv, path: persons.csv, id_column: 记录号,
     columns: {姓名: name, 身份证: id_number, 出生日期: birth_date}}
  - {department: Archive, entity: person, format: jsonl, path: people.jsonl, id_column: id,
     columns: {given: given_name, family: family_name, name: name, born: birth_date}}
  - {department: 民政厅, entity: person, format: xlsx, path: extra.xlsx, id_column: 记录号,
     columns: {姓名: name, 身份证: id_number}}
  - {department: 市场监管局, entity: organization, format: csv, path: orgs.csv, id_column: 编号,
     columns: {名称: name, 信用代码: credit_code}}
  - {department: 市场监管局, entity: relation, format: csv, path: relations.csv, id_column: 编号,
     columns: {类型: type, 起点: from_id, 终点: to_id, 比例: share_ratio}}
""", encoding="utf-8")
    return root / "SOURCES.yaml"


def test_faulty_sources_ingest_on_spark_as_locally(spark, faulty):
    spec = load_spec(faulty)
    local = ingest(spec, progress=False, chunk_rows=2)
    on_spark = ingest_on_spark(spark, spec, progress=False, chunk_rows=2)
    _same(on_spark, local)
    # the faults are really there, so the equality above covers them
    assert sorted(on_spark.quarantine["reason"]) == [
        "duplicate_record_id", "invalid_json", "missing_record_id",
        "missing_required:name|credit_code", "missing_required:name|id_number",
        "missing_required:name|id_number", "ragged_row", "unknown_relation_type"]
    flags = {r["source"]: r["flags"] for r in on_spark.report["sources"]}
    assert flags["persons.csv"] == {"birth_date_out_of_range": 1, "birth_date_unparsed": 1,
                                    "id_invalid": 1, "name_traditional_converted": 1,
                                    "sex_from_id": 1}
    assert flags["extra.xlsx"]["formula_without_value"] == 1
    assert on_spark.report["totals"] == {"read": 18, "loaded": 10, "quarantined": 8,
                                         "persons": 7, "organizations": 1, "relations": 2}


def test_generated_sources_ingest_on_spark_as_locally(spark, tmp_path):
    from loaders.synthetic import generate

    spec = load_spec(generate(tmp_path, persons=300, organizations=60, seed=5))
    assert sorted({s.format for s in spec.sources}) == ["csv", "jsonl", "parquet", "sql",
                                                       "tsv", "xlsx"]
    local = ingest(spec, progress=False, chunk_rows=97)
    _same(ingest_on_spark(spark, spec, progress=False, chunk_rows=97), local)
