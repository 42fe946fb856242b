"""Broken inputs give a clear one-line error or quarantined rows, never a traceback, and the
counts reconcile (read == loaded + quarantined)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import SourceError, SpecError
from loaders.ingest import ingest
from loaders.spec import load_spec

HEADER = "记录号,姓名,身份证\n"


def spec_for(tmp: Path, body: bytes, fmt: str = "csv", encoding: str = "auto",
             columns: str = "{姓名: name, 身份证: id_number}") -> Path:
    data = tmp / f"data.{fmt}"
    data.write_bytes(body)
    spec = tmp / "SOURCES.yaml"
    spec.write_text(f"""sources:
  - department: 公安厅户籍
    entity: person
    format: {fmt}
    path: data.{fmt}
    encoding: {encoding}
    id_column: 记录号
    columns: {columns}
""", encoding="utf-8")
    return spec


def reconciles(result) -> None:
    for rep in result.report["sources"]:
        assert rep["read"] == rep["loaded"] + rep["quarantined"]
    assert len(result.persons) == result.report["totals"]["loaded"]
    assert len(result.quarantine) == result.report["totals"]["quarantined"]


def test_ragged_rows_are_quarantined_with_their_lines(tmp_path):
    body = (HEADER + "1,张三,430102199001011238\n2,李四\n3,王五,x,extra\n4,赵六,\n").encode()
    result = ingest(load_spec(spec_for(tmp_path, body)), progress=False)
    reconciles(result)
    assert result.persons["record_id"].tolist() == ["1", "4"]
    assert result.persons["line"].tolist() == [2, 5]
    q = result.quarantine
    assert q["reason"].tolist() == ["ragged_row", "ragged_row"]
    assert q["line"].tolist() == [3, 4]
    assert "李四" in q["raw"].iloc[0]


def test_wrong_declared_encoding_is_one_clear_error(tmp_path):
    body = (HEADER + "1,张三,430102199001011238\n").encode("gbk")
    with pytest.raises(SourceError, match=r"data\.csv.*utf-8.*encoding"):
        load_spec(spec_for(tmp_path, body, encoding="utf-8"))


def test_gbk_loads_identically_to_utf8(tmp_path):
    text = HEADER + "1,張三,430102199001011238\n2,李四,430102900101123\n"
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    utf8 = ingest(load_spec(spec_for(a, text.encode("utf-8"))), progress=False).persons
    gbk = ingest(load_spec(spec_for(b, text.encode("gbk"))), progress=False).persons
    pd.testing.assert_frame_equal(utf8, gbk)


def test_missing_mapped_column_lists_existing_columns(tmp_path):
    spec = spec_for(tmp_path, (HEADER + "1,张三,x\n").encode(), columns="{姓名: name, 电话: phone}")
    with pytest.raises(SpecError, match=r"columns\.电话.*'电话' not in data\.csv; its columns: "
                                        r"记录号, 姓名, 身份证"):
        load_spec(spec)


def test_unknown_field_lists_allowed_fields(tmp_path):
    spec = spec_for(tmp_path, HEADER.encode(), columns="{姓名: fullname}")
    with pytest.raises(SpecError, match=r"unknown person field 'fullname'; allowed: name, "):
        load_spec(spec)


def test_missing_file_and_bad_format(tmp_path):
    spec = spec_for(tmp_path, HEADER.encode())
    (tmp_path / "data.csv").unlink()
    with pytest.raises(SpecError, match=r"sources\[0\]\.path: file not found"):
        load_spec(spec)
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - {department: d, entity: person, format: dbf, path: x, "
                   "id_column: a, columns: {b: name}}\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"format: 'dbf' is not one of csv, tsv"):
        load_spec(bad)


def test_empty_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match=r"data\.csv: the file is empty"):
        load_spec(spec_for(tmp_path, b""))


def test_header_only_file_loads_nothing(tmp_path):
    result = ingest(load_spec(spec_for(tmp_path, HEADER.encode())), progress=False)
    reconciles(result)
    assert result.report["sources"][0]["read"] == 0 and len(result.persons) == 0


def test_null_bytes_are_removed(tmp_path):
    body = (HEADER + "1,张\x00三,4301021990\x0001011238\n").encode()
    result = ingest(load_spec(spec_for(tmp_path, body)), progress=False)
    reconciles(result)
    row = result.persons.iloc[0]
    assert row["name"] == "张三" and row["id_number"] == "430102199001011238"
    assert bool(row["id_valid"])


def test_ten_megabyte_field_is_quarantined(tmp_path):
    huge = "张" * (10 * 1024 * 1024 // 3)
    body = (HEADER + f"1,{huge},430102199001011238\n2,李四,430102199001011238\n").encode()
    result = ingest(load_spec(spec_for(tmp_path, body)), progress=False)
    reconciles(result)
    assert result.persons["record_id"].tolist() == ["2"]
    q = result.quarantine.iloc[0]
    assert q["reason"] == "field_too_long:name>8000_bytes" and q["record_id"] == "1"
    assert len(q["raw"]) < 5000  # the raw row is kept, truncated


def test_missing_required_and_duplicate_ids_are_quarantined(tmp_path):
    # a person needs a name or an ID number: record 2 (ID only) loads, record 3 (neither) not
    body = (HEADER + "1,张三,\n2,,430102199001011238\n3,,\n,王五,\n1,赵六,\n").encode()
    result = ingest(load_spec(spec_for(tmp_path, body)), progress=False)
    reconciles(result)
    assert result.persons["record_id"].tolist() == ["1", "2"]
    assert sorted(result.quarantine["reason"]) == [
        "duplicate_record_id", "missing_record_id", "missing_required:name|id_number"]


def test_invalid_json_lines_are_quarantined(tmp_path):
    body = ('{"记录号": "1", "姓名": "张三", "身份证": null}\n{broken\n[1, 2]\n'
            '{"记录号": 2, "姓名": "李四"}\n').encode()
    result = ingest(load_spec(spec_for(tmp_path, body, fmt="jsonl")), progress=False)
    reconciles(result)
    assert result.persons["record_id"].tolist() == ["1", "2"]
    assert result.quarantine["reason"].tolist() == ["invalid_json", "not_an_object"]
    assert result.quarantine["line"].tolist() == [2, 3]


def test_cli_reports_bad_input_in_one_line(tmp_path):
    spec = spec_for(tmp_path, (HEADER + "1,张三,x\n").encode(), columns="{姓名: name, 电话: phone}")
    proc = subprocess.run([sys.executable, "-m", "kglink", "ingest", str(spec), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kglink: error:") and "电话" in lines[0]
    assert "Traceback" not in proc.stderr
