"""Hostile inputs to ingest: every row accounted for (read == loaded + quarantined == an
independent count of records), limits that protect linking and Neo4j, safe YAML, bounded
headers, xlsx and Parquet faults named by file, line, column or field."""

from __future__ import annotations

import csv
import io
import json
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from loaders.errors import SourceError, SpecError
from loaders.ingest import ingest
from loaders.limits import INDEXED_VALUE_BYTES, MAX_COLUMNS, MAX_RECORD_ID_CHARS, RECORD_ID_REASON
from loaders.safe_yaml import MAX_ALIASES, MAX_EXPANDED_NODES
from loaders.spec import load_spec

HEADER = "记录号,姓名,身份证"
ID = "430102199001011238"


def rows(n: int, start: int = 1) -> list[str]:
    return [f"{i},张{i},{ID}" for i in range(start, start + n)]


def csv_records(data: bytes, encoding: str = "utf-8-sig", delimiter: str = ",") -> int:
    """Independent count: data records by Python's csv module (blank lines are none)."""
    text = data.decode(encoding)
    return sum(1 for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
               if rec) - 1


def line_records(data: bytes) -> int:
    """Independent count for files without quotes: non-blank physical lines, header off."""
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return sum(1 for line in text.split("\n") if line) - 1


def load(spec):
    return ingest(load_spec(spec), progress=False)


def totals(result) -> tuple[int, int, int]:
    t = result.report["totals"]
    return t["read"], t["loaded"], t["quarantined"]


def reasons(result) -> dict[str, int]:
    return result.report["sources"][0]["quarantine_reasons"]


# --- every row accounted for -------------------------------------------------------------

EMBEDDED = (HEADER + "\n1,\"张\n三\",{id}\n2,\"李\r\n四\",{id}\n3,王五,{id}\n4,赵六\n"
            "5,\"钱\n\n七\",{id}\n").format(id=ID)
RECONCILE = {
    "embedded_newlines": (EMBEDDED.encode(), "csv", 5, 1),
    "cr_only": (("\r".join([HEADER, *rows(40), "41,only"]) + "\r").encode(), "lines", 41, 1),
    "crlf": (("\r\n".join([HEADER, *rows(30)]) + "\r\n").encode(), "lines", 30, 0),
    "bom": (b"\xef\xbb\xbf" + ("\n".join([HEADER, *rows(25)]) + "\n").encode(), "lines", 25, 0),
    "blank_lines": (("\n".join([HEADER, "", *rows(5), "", "", *rows(5, 6), "", ""])).encode(),
                    "lines", 10, 0),
    "trailing_delimiters": (("\n".join([HEADER, *rows(8), f"9,张九,{ID},", ",,",
                                        ",,,", "12,张十二,"]) + "\n").encode(), "lines", 12, 3),
    "whitespace_lines": (("\n".join([HEADER, *rows(6), "   ", "\t", *rows(2, 7)]) + "\n")
                         .encode(), "lines", 10, 2),
    "no_final_newline": ("\n".join([HEADER, *rows(7)]).encode(), "lines", 7, 0),
    "gbk": (("\n".join([HEADER, *rows(20)]) + "\n").encode("gbk"), "gbk", 20, 0),
    "stray_and_escaped_quotes": ((HEADER + "\n1,张\"三,{id}\n2,\"李\"\"四\",{id}\n"
                                  "3,\"王\"五,{id}\n").format(id=ID).encode(), "csv", 3, 0),
    "nul_bytes": ((HEADER + "\n1,张\x00三,{id}\n2,李四,{id}\n").format(id=ID).encode(),
                  "csv", 2, 0),
    "ragged_every_tenth": (("\n".join([HEADER] + [r if i % 10 else r + ",x"
                                                  for i, r in enumerate(rows(100), 1)]) + "\n")
                           .encode(), "lines", 100, 10),
}


@pytest.mark.parametrize("case", sorted(RECONCILE))
def test_read_equals_an_independent_count_of_records(hostile, case):
    body, counter, expected, quarantined = RECONCILE[case]
    result = load(hostile.source(body))
    independent = {"csv": csv_records, "lines": line_records,
                   "gbk": lambda data: csv_records(data, "gbk")}[counter](body)
    read, loaded, bad = totals(result)
    assert independent == expected
    assert (read, loaded + bad, bad) == (expected, expected, quarantined)
    assert len(result.persons) == loaded and len(result.quarantine) == bad


def test_tsv_with_tabs_and_newlines_inside_quotes_reconciles(hostile):
    body = (f"记录号\t姓名\t身份证\n1\t\"张\t三\"\t{ID}\n2\t\"李\n四\"\t{ID}\n3\t王五\t{ID}\n"
            ).encode()
    result = load(hostile.source(body, fmt="tsv"))
    assert totals(result) == (3, 3, 0) == (csv_records(body, delimiter="\t"), 3, 0)
    assert result.persons["name"].tolist()[0] == "张\t三"


def test_lines_are_physical_after_multiline_records_and_blank_lines(hostile):
    result = load(hostile.source(EMBEDDED.encode()))
    assert result.persons["line"].tolist() == [2, 4, 6, 8]  # 1: 2-3, 2: 4-5, 5: 8-10
    assert result.quarantine["line"].tolist() == [7]
    assert result.quarantine["reason"].tolist() == ["ragged_row"]


def test_cr_only_quarantine_names_the_physical_line(hostile):
    body = ("\r".join([HEADER, *rows(3), "4,只有两列", *rows(2, 5)]) + "\r").encode()
    result = load(hostile.source(body))
    assert result.quarantine[["line", "reason"]].values.tolist() == [[5, "ragged_row"]]
    assert result.persons["line"].tolist() == [2, 3, 4, 6, 7]


@pytest.mark.parametrize("broken,line", [
    ('100,"张一百,{id}', 101),     # quote opens in a middle field: the rest is one ragged row
    ('100,张一百,"{id}', 101),     # in the last field: the row has the right width
    ('"100,张一百,{id}', 101),     # in the record id
    ('500,张五百,"{id}', 501),     # on the last line
])
def test_unterminated_quote_is_an_error_naming_its_line(hostile, broken, line):
    lines = [HEADER, *rows(500)]
    lines[line - 1] = broken.format(id=ID)
    spec = hostile.source("\n".join(lines) + "\n")
    with pytest.raises(SourceError) as err:
        load(spec)
    assert str(err.value) == (f"{hostile.root / 'data.csv'} line {line}: a quoted field opens "
                              "here and never closes, so no later record can be told apart; "
                              "close the quote")


def test_a_lone_quote_ending_the_file_is_an_unterminated_quote(hostile):
    with pytest.raises(SourceError, match=r"data\.csv line 5: a quoted field opens here"):
        load(hostile.source("\n".join([HEADER, *rows(3), '"'])))


def test_unterminated_quote_via_cli_writes_nothing(hostile, kglink_cli, tmp_path):
    lines = [HEADER, *rows(500)]
    lines[100] = f'100,"张一百,{ID}'
    spec = hostile.source("\n".join(lines) + "\n")
    out = tmp_path / "out"
    proc = kglink_cli("ingest", str(spec), "--out", str(out))
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.endswith("data.csv line 101: a quoted field opens here and never closes, so no "
                         "later record can be told apart; close the quote")
    assert "Traceback" not in proc.stderr
    assert not (out / "report.json").exists() and not (out / "persons.parquet").exists()


def test_unterminated_quote_in_tsv(hostile):
    body = f"记录号\t姓名\t身份证\n1\t张三\t{ID}\n2\t\"李四\t{ID}\n3\t王五\t{ID}\n"
    with pytest.raises(SourceError, match=r"data\.tsv line 3: a quoted field opens here"):
        load(hostile.source(body, fmt="tsv"))


def test_mixed_encodings_are_one_error_naming_the_file(hostile):
    body = ((HEADER + f"\n1,张三,{ID}\n").encode() + f"2,李四,{ID}\n".encode("gbk")
            + f"3,王五,{ID}\n".encode())
    with pytest.raises(SourceError, match=r"data\.csv: cannot tell the text encoding"):
        load(hostile.source(body))
    with pytest.raises(SourceError, match=r"data\.csv line 3: the file is not valid utf-8 "
                                          r"\(invalid start byte\)"):
        load(hostile.source(body, encoding="utf-8"))


@pytest.mark.parametrize("fmt,newline,line", [("csv", "\n", 4), ("csv", "\r", 4),
                                              ("jsonl", "\r\n", 3)])
def test_a_bad_byte_deep_in_the_file_is_named_by_its_line(hostile, fmt, newline, line):
    head = ([HEADER, *rows(2)] if fmt == "csv"
            else ['{"记录号": "1", "姓名": "张三"}', '{"记录号": "2", "姓名": "李四"}'])
    body = (newline.join(head) + newline).encode() + "王五".encode("gbk") + newline.encode()
    body += (newline.join(["x"] * 5000) + newline).encode()  # past the header's first block
    with pytest.raises(SourceError) as err:
        load(hostile.source(body, fmt=fmt, encoding="utf-8", columns={"姓名": "name"}))
    assert str(err.value).startswith(f"{hostile.root / f'data.{fmt}'} line {line}: the file is "
                                      "not valid utf-8 (")


JSONL = ['{"记录号": "1", "姓名": "张三"}', "", '{"记录号": "2", "姓名": "李四"}',
         "not json", "[1, 2]", '{"记录号": "3", "姓名": "王五"}', "   "]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_jsonl_read_equals_its_non_blank_lines_whatever_the_line_ending(hostile, newline):
    body = newline.join(JSONL) + newline
    result = load(hostile.source("\ufeff" + body, fmt="jsonl", columns={"姓名": "name"}))
    independent = sum(1 for line in body.splitlines() if line.strip())
    assert totals(result) == (independent, 3, 2) == (5, 3, 2)
    assert reasons(result) == {"invalid_json": 1, "not_an_object": 1}
    assert result.quarantine["line"].tolist() == [4, 5]


# --- limits derived from the next stages -------------------------------------------------

def test_a_9999_character_name_is_quarantined_before_the_graph(hostile):
    body = "\n".join([HEADER, f"1,{'a' * 9_999},{ID}", *rows(3, 2)]) + "\n"
    result = load(hostile.source(body))
    assert totals(result) == (4, 3, 1)
    assert reasons(result) == {f"field_too_long:name>{INDEXED_VALUE_BYTES}_bytes": 1}
    assert result.quarantine["record_id"].tolist() == ["1"]
    assert "1" not in result.persons["record_id"].tolist()


def test_a_one_megabyte_record_id_is_quarantined_and_clipped(hostile, tmp_path):
    body = "\n".join([HEADER, f"{'9' * (1 << 20)},张三,{ID}", *rows(2, 2)]) + "\n"
    result = load(hostile.source(body))
    assert totals(result) == (3, 2, 1)
    assert reasons(result) == {RECORD_ID_REASON: 1}
    assert RECORD_ID_REASON == f"record_id_too_long>{MAX_RECORD_ID_CHARS}_chars"
    clipped = result.quarantine["record_id"].iloc[0]
    assert clipped.startswith("9" * 2000) and clipped.endswith(f"[{(1 << 20) - 2000} more "
                                                               "characters]")
    result.write(tmp_path / "out")
    assert (tmp_path / "out" / "quarantine.csv").stat().st_size < 10_000


@pytest.mark.parametrize("chars,loaded", [(2_666, True), (2_667, False)])
def test_indexed_limit_counts_utf8_bytes_not_characters(hostile, chars, loaded):
    name = "张" * chars  # 3 bytes each: 7,998 bytes loads, 8,001 does not
    result = load(hostile.source("\n".join([HEADER, f"1,{name},{ID}"]) + "\n"))
    assert (len(result.persons), len(result.quarantine)) == ((1, 0) if loaded else (0, 1))
    if not loaded:
        assert reasons(result) == {"field_too_long:name>8000_bytes": 1}


def test_an_oversized_id_number_is_quarantined_by_its_index_limit(hostile):
    result = load(hostile.source("\n".join([HEADER, f"1,张三,{'1' * 8_001}"]) + "\n"))
    assert reasons(result) == {"field_too_long:id_number>8000_bytes": 1}


def test_unindexed_fields_keep_the_character_limit(hostile):
    body = "\n".join(["记录号,姓名,地址", f"1,张三,{'路' * 9_999}", f"2,李四,{'路' * 10_001}"])
    result = load(hostile.source(body + "\n", columns={"姓名": "name", "地址": "address"}))
    assert totals(result) == (2, 1, 1)
    assert reasons(result) == {"field_too_long:address>10000_chars": 1}
    assert result.quarantine["record_id"].tolist() == ["2"]


def test_an_oversized_credit_code_is_quarantined(hostile):
    body = "\n".join(["编号,名称,代码", "1,长沙某公司," + "X" * 9_000]) + "\n"
    result = load(hostile.source(body, entity="organization", id_column="编号",
                                 columns={"名称": "name", "代码": "credit_code"}))
    assert reasons(result) == {"field_too_long:credit_code>8000_bytes": 1}


@pytest.mark.parametrize("length,quarantined", [(256, 0), (257, 1)])
def test_record_id_length_boundary(hostile, length, quarantined):
    result = load(hostile.source("\n".join([HEADER, f"{'r' * length},张三,{ID}"]) + "\n"))
    assert totals(result) == (1, 1 - quarantined, quarantined)


def test_an_oversized_department_name_is_a_spec_error(hostile):
    with pytest.raises(SpecError, match=r"sources\[0\]\.department: longer than 256 characters"):
        load_spec(hostile.source("\n".join([HEADER, *rows(1)]), department="部" * 300))


# --- safe YAML ---------------------------------------------------------------------------

LAUGHS = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                 for p, c in zip("abcdefgh", "bcdefghi", strict=True))
BOMB = f"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
{LAUGHS}sources:
  - department: *i
    entity: person
    format: csv
    path: data.csv
    id_column: 记录号
    columns: {{姓名: name}}
"""


def test_billion_laughs_is_refused_quickly_with_one_line(hostile, kglink_cli, tmp_path):
    hostile.source("\n".join([HEADER, *rows(1)]) + "\n")
    spec = hostile.spec(BOMB, "bomb.yaml")
    assert len(BOMB.encode()) < 1_500
    started = time.monotonic()
    proc = kglink_cli("ingest", str(spec), "--out", str(tmp_path / "out"), timeout=60)
    assert time.monotonic() - started < 30
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"kglink: error: {spec}: not valid YAML: the document expands to more than "
        f"{MAX_EXPANDED_NODES} values through its aliases (&anchor/*alias); refused"]


def test_too_many_aliases_are_refused(hostile):
    refs = "\n".join(f"k{i}: *m" for i in range(MAX_ALIASES + 1))
    spec = hostile.spec(f"m: &m {{x: 1}}\n{refs}\nsources: []\n")
    with pytest.raises(SpecError, match=rf"not valid YAML: more than {MAX_ALIASES} aliases"):
        load_spec(spec)


def test_a_recursive_alias_is_refused(hostile):
    with pytest.raises(SpecError, match="not valid YAML: a recursive alias"):
        load_spec(hostile.spec("a: &a [1, *a]\nsources: []\n"))


def test_deep_nesting_is_one_line_error(hostile):
    with pytest.raises(SpecError, match="not valid YAML: nesting too deep"):
        load_spec(hostile.spec("sources: " + "[" * 20_000 + "]" * 20_000 + "\n"))


def test_python_tags_are_refused(hostile):
    with pytest.raises(SpecError, match="not valid YAML: could not determine a constructor"):
        load_spec(hostile.spec("sources: !!python/object/apply:os.system ['true']\n"))


def test_shared_column_maps_through_anchors_still_load(hostile):
    hostile.source("\n".join([HEADER, *rows(3)]) + "\n")
    entries = "\n".join(f"""  - department: 部门{i}
    entity: person
    format: csv
    path: data.csv
    id_column: 记录号
    columns: {"&cols {姓名: name, 身份证: id_number}" if i == 0 else "*cols"}"""
                        for i in range(3))
    result = load(hostile.spec(f"sources:\n{entries}\n"))
    assert totals(result) == (9, 9, 0)


def test_linking_settings_bomb_is_refused(hostile):
    from linking.settings import load_settings

    path = hostile.spec(BOMB.replace("sources:", "person:\n  threshold: 0.5\nx:"), "link.yaml")
    with pytest.raises(ValueError, match=rf"link\.yaml: not valid YAML: the document expands "
                                         rf"to more than {MAX_EXPANDED_NODES} values"):
        load_settings(path)


def test_api_load_sources_reads_the_linking_section_through_the_bounded_loader(hostile):
    from kglink.api import load_sources

    hostile.source("\n".join([HEADER, *rows(2)]) + "\n")
    text = (hostile.root / "SOURCES.yaml").read_text(encoding="utf-8")
    spec = hostile.spec(text + "linking:\n  person: &p {threshold: 0.7}\n")
    assert load_sources(spec).linking.overrides["person"]["threshold"] == 0.7
    bomb = hostile.spec(text + "linking:\n" + "".join(
        "  " + line + "\n" for line in BOMB.split("sources:")[0].splitlines()), "bomb.yaml")
    with pytest.raises(SpecError, match="expands to more than"):
        load_sources(bomb)


# --- headers -----------------------------------------------------------------------------

def test_twenty_thousand_columns_are_refused_fast(hostile):
    header = ",".join(f"c{i}" for i in range(20_000))
    spec_path = hostile.source(header + "\n" + ",".join("x" * 20_000) + "\n", id_column="c0",
                               columns={"c1": "name"})
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        load_spec(spec_path)
    assert time.monotonic() - started < 2
    assert "data.csv line 1: 20000 columns, more than the 2000 allowed" in str(err.value)


def test_a_hundred_thousand_duplicate_columns_are_refused_fast(hostile):
    from loaders.readers.base import checked_header

    started = time.monotonic()
    with pytest.raises(SourceError, match="100000 columns, more than the 2000 allowed"):
        checked_header(hostile.root / "x.csv", ["a"] * 100_000, "line 1")
    names = [f"c{i}" for i in range(MAX_COLUMNS - 1)] + ["c7"]
    with pytest.raises(SourceError, match=r"x\.csv line 1: duplicate column name 'c7' "
                                          r"\(columns 8 and 2000\)"):
        checked_header(hostile.root / "x.csv", names, "line 1")
    assert time.monotonic() - started < 1


def test_exactly_the_column_cap_loads(hostile):
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    row = ",".join(["1", "张三"] + ["x"] * (MAX_COLUMNS - 2))
    result = load(hostile.source(f"{header}\n{row}\n", id_column="c0", columns={"c1": "name"}))
    assert totals(result) == (1, 1, 0)


def test_duplicate_csv_header_names_file_and_columns(hostile):
    with pytest.raises(SourceError, match=r"data\.csv line 1: duplicate column name '姓名' "
                                        r"\(columns 2 and 4\)"):
        load_spec(hostile.source(f"{HEADER},姓名\n1,张三,{ID},李四\n"))


# --- xlsx --------------------------------------------------------------------------------

def xlsx(hostile, table: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in table:
        book.active.append(row)
    path = hostile.root / "build.xlsx"
    book.save(path)
    return path.read_bytes()


def test_xlsx_duplicate_header_names_file_and_column(hostile):
    body = xlsx(hostile, [["记录号", "姓名", "姓名", "身份证"], [1, "张三", "李四", ID]])
    with pytest.raises(SourceError, match=r"data\.xlsx row 1: duplicate column name '姓名' "
                                        r"\(columns 2 and 3\)"):
        load_spec(hostile.source(body, fmt="xlsx"))


def test_xlsx_uncached_formulas_are_flagged_and_counted(hostile):
    body = xlsx(hostile, [["记录号", "姓名", "身份证", "备注"],
                          [1, "张三", ID, "=1+1"],          # unmapped formula: no flag
                          [2, "=\"李\"&\"四\"", ID, None],
                          [3, "王五", f'="{ID}"', None],
                          [4, "=B2", ID, None],
                          [5, "赵六", ID, None],
                          [6, "=B2", "=C2", None]])   # nothing left to link: quarantined
    result = load(hostile.source(body, fmt="xlsx"))
    assert totals(result) == (6, 5, 1)
    assert reasons(result) == {"missing_required:name|id_number": 1}
    assert result.report["sources"][0]["flags"]["formula_without_value"] == 3
    flagged = result.persons.set_index("record_id")["flags"].fillna("")
    assert [k for k in flagged.index if "formula_without_value" in flagged[k]] == ["2", "3", "4"]


def test_xlsx_second_pass_only_for_sheets_with_formulas(hostile):
    from loaders.readers.excel import _has_formulas, _open

    for table, expected in (([["记录号", "姓名"], [1, "张三"]], False),
                            ([["记录号", "姓名"], [1, "=A1"]], True)):
        spec = load_spec(hostile.source(xlsx(hostile, table), fmt="xlsx",
                                        columns={"姓名": "name"}))
        book, sheet = _open(spec.sources[0])
        try:
            assert _has_formulas(book, sheet) is expected
        finally:
            book.close()


def test_xlsx_ingest_prints_no_runtime_warning(hostile, kglink_cli, tmp_path):
    body = xlsx(hostile, [["记录号", "姓名", "身份证", "电话", "出生日期"],
                          [1, "=1/0", float("inf"), 1e300, -5],
                          [2, "李四", 1e18, float("nan"), 99999999],
                          [3, "王五", -1e19, "#DIV/0!", "=NOW()"],
                          [1e20, "赵六", ID, 13800138000.5, 1e300]])
    spec = hostile.source(body, fmt="xlsx", columns={"姓名": "name", "身份证": "id_number",
                                                     "电话": "phone", "出生日期": "birth_date"})
    proc = kglink_cli("ingest", str(spec), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "RuntimeWarning" not in proc.stderr and "Warning" not in proc.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["read"] == 4
    assert report["totals"]["read"] == report["totals"]["loaded"] + report["totals"]["quarantined"]


# --- Parquet -----------------------------------------------------------------------------

def parquet(hostile, table: pa.Table) -> bytes:
    path = hostile.root / "build.parquet"
    pq.write_table(table, path)
    return path.read_bytes()


@pytest.mark.parametrize("values,kind", [
    ([["张三", "张叁"], ["李四"]], "list<element: string>"),
    ([{"a": "张三"}, {"a": "李四"}], "struct<a: string>"),
])
def test_parquet_nested_column_names_file_and_column(hostile, values, kind):
    body = parquet(hostile, pa.table({"id": ["1", "2"], "name": values}))
    with pytest.raises(SourceError) as err:
        load(hostile.source(body, fmt="parquet", id_column="id", columns={"name": "name"}))
    assert str(err.value) == (f"{hostile.root / 'data.parquet'} column 'name': type {kind} holds "
                              "several values per row; a mapped column must hold one value "
                              "(text, number, date)")


def test_parquet_binary_column_that_is_not_text_names_file_and_column(hostile):
    body = parquet(hostile, pa.table({"id": ["1", "2"], "name": [b"\xff\xfe", b"ok"]}))
    with pytest.raises(SourceError, match=r"data\.parquet column 'name': cannot be read as "
                                          r"text \(binary: Invalid UTF8 payload"):
        load(hostile.source(body, fmt="parquet", id_column="id", columns={"name": "name"}))


def test_parquet_binary_column_holding_utf8_text_loads(hostile):
    body = parquet(hostile, pa.table({"id": ["1"], "name": ["张三".encode()]}))
    result = load(hostile.source(body, fmt="parquet", id_column="id", columns={"name": "name"}))
    assert result.persons["name"].tolist() == ["张三"]


def test_read_equals_rows_for_a_hostile_parquet(hostile):
    table = pa.table({"id": [str(i) for i in range(50)] + [None, "", "x" * 300],
                      "name": ["张三"] * 50 + ["李四"] * 3})
    result = load(hostile.source(parquet(hostile, table), fmt="parquet", id_column="id",
                                 columns={"name": "name"}))
    assert totals(result) == (53, 50, 3) == (pq.read_metadata(hostile.root / "data.parquet")
                                             .num_rows, 50, 3)
    assert reasons(result) == {"missing_record_id": 2, RECORD_ID_REASON: 1}


def test_quarantine_csv_round_trips_reasons_and_counts(hostile, tmp_path):
    body = "\n".join([HEADER, f"1,{'a' * 9_999},{ID}", f"{'9' * 300},张三,{ID}", "3,李四",
                      *rows(2, 4)]) + "\n"
    result = load(hostile.source(body))
    result.write(tmp_path / "out")
    q = pd.read_csv(tmp_path / "out" / "quarantine.csv", dtype=str)
    assert q["reason"].value_counts().to_dict() == {
        "field_too_long:name>8000_bytes": 1, RECORD_ID_REASON: 1, "ragged_row": 1}
    assert q["line"].tolist() == ["4", "2", "3"]
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["totals"] == {**report["totals"], "read": 5, "loaded": 2, "quarantined": 3}


def test_yaml_error_is_a_yaml_error_subclass():
    from loaders.safe_yaml import load_yaml

    with pytest.raises(yaml.YAMLError):
        load_yaml("a: &a [*a]")
