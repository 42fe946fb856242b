"""Dates: any real calendar date with a 4-digit year is kept in ISO form; a date outside its
field's plausible range (defaults, or SOURCES.yaml `dates:`) is flagged and kept, never
dropped; unparseable text is flagged `*_unparsed` and null as before."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import SpecError
from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.standardise.dates import DateRange, default_ranges, out_of_range, parse_dates
from loaders.standardise.frames import (
    standardise_organizations,
    standardise_persons,
    standardise_relations,
)

# historical persons, one modern, one future, two unusable dates and one row without a key
HISTORY_CSV = """id,name,born
h1,Johan de Witt,1625-09-24
h2,Anna Maria van Schurman,1607-11-05
h3,Constantijn Huygens,16270314
h4,Maria Tesselschade,1594/3/25
h5,Modern Person,1990-01-02
h6,Future Person,2999-01-01
h7,Vague Person,circa 1600
h8,Julian Leap,1700-02-29
,No Key,1650-01-01
"""


def _frame(**columns) -> pd.DataFrame:
    """Raw rows as ingest hands them to a standardiser: provenance plus the given fields."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"department": "d", "source": "s",
                         "record_id": [str(i) for i in range(n)], "line": range(2, n + 2),
                         **columns})


def _flags(result) -> list[str | None]:
    return [None if pd.isna(v) else v for v in result.frame["flags"]]


def _write_spec(tmp: Path, dates_block: str = "", source_dates: str = "") -> Path:
    (tmp / "history.csv").write_text(HISTORY_CSV, encoding="utf-8")
    spec = tmp / "SOURCES.yaml"
    spec.write_text(dates_block + f"""sources:
  - department: archive
    entity: person
    format: csv
    path: history.csv
    id_column: id
    columns: {{name: name, born: birth_date}}
{source_dates}""", encoding="utf-8")
    return spec


def test_any_century_parses_and_impossible_or_two_digit_forms_do_not():
    values = ["1627-03-14", "16270314", "1627/3/14", "1627.3.14", "一六二七年三月十四日",
              "14/03/1627", "0627-03-14", "1600-02-29", "2999-12-31",
              "1700-02-29", "0000-01-01", "90-01-02", "01/02/1990", "circa 1600", None]
    out = parse_dates(pd.Series(values)).tolist()
    assert out[:9] == ["1627-03-14"] * 6 + ["0627-03-14", "1600-02-29", "2999-12-31"]
    # 1700 is no Gregorian leap year; year 0 does not exist; two-digit and day/month-ambiguous
    # forms are not guessed
    assert all(pd.isna(v) for v in out[9:])


def test_year_last_dates_are_read_in_the_order_their_column_shows():
    # the day exceeds 12 in three of them: the column writes the day first
    day_first = ["31/08/1972", "26/07/1932", "14.04.1968", "12/05/1941", "01/02/2000"]
    assert parse_dates(pd.Series(day_first)).tolist() == [
        "1972-08-31", "1932-07-26", "1968-04-14", "1941-05-12", "2000-02-01"]
    month_first = ["08/31/1972", "07/26/1932", "04/14/1968", "12/05/1941"]
    assert parse_dates(pd.Series(month_first)).tolist() == [
        "1972-08-31", "1932-07-26", "1968-04-14", "1941-12-05"]
    # three day-first against one month-first, or too few to tell: the ambiguous one is
    # not guessed, the unambiguous ones are read in their only possible order
    mixed = parse_dates(pd.Series(["31/08/1972", "26/07/1932", "14/04/1968", "08/31/1972",
                                   "12/05/1941"])).tolist()
    assert mixed[:4] == ["1972-08-31", "1932-07-26", "1968-04-14", "1972-08-31"]
    assert pd.isna(mixed[4])
    few = parse_dates(pd.Series(["31/08/1972", "26/07/1932", "12/05/1941"])).tolist()
    assert few[:2] == ["1972-08-31", "1932-07-26"] and pd.isna(few[2])


def test_out_of_range_compares_whole_dates_inclusive():
    iso = pd.Series(["1879-12-31", "1880-01-01", "1950-12-31", "1951-01-01", "0627-03-14", None])
    bounds = DateRange(dt.date(1880, 1, 1), dt.date(1950, 12, 31))
    assert out_of_range(iso, bounds).tolist() == [True, False, False, True, True, False]


def test_default_ranges_resolve_today():
    ranges = default_ranges(dt.date(2024, 5, 6))
    assert ranges["birth_date"] == DateRange(dt.date(1880, 1, 1), dt.date(2024, 5, 6))
    assert ranges["established_date"] == DateRange(dt.date(1800, 1, 1), dt.date(2024, 5, 6))
    assert ranges["start_date"] == DateRange(dt.date(1900, 1, 1), dt.date(2024, 5, 6))
    assert ranges["end_date"] == DateRange(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def test_person_birth_dates_kept_and_flagged_under_defaults():
    done = standardise_persons(_frame(name=["a", "b", "c", "d"],
                                      birth_date=["1627-03-14", "2999-01-01", "garbage",
                                                  "1990-01-02"]))
    assert done.frame["birth_date"].tolist()[:2] == ["1627-03-14", "2999-01-01"]
    assert pd.isna(done.frame["birth_date"].iloc[2])
    assert done.frame["birth_date"].iloc[3] == "1990-01-02"
    assert _flags(done) == ["birth_date_out_of_range", "birth_date_out_of_range",
                            "birth_date_unparsed", None]
    assert done.flag_counts() == {"birth_date_out_of_range": 2, "birth_date_unparsed": 1}


def test_person_range_given_by_caller():
    ranges = {"birth_date": DateRange(dt.date(1600, 1, 1), dt.date(1950, 12, 31))}
    done = standardise_persons(_frame(name=["a", "b", "c"],
                                      birth_date=["1627-03-14", "1990-01-02", "1599-12-31"]),
                               ranges)
    assert done.frame["birth_date"].tolist() == ["1627-03-14", "1990-01-02", "1599-12-31"]
    assert _flags(done) == [None, "birth_date_out_of_range", "birth_date_out_of_range"]


def test_organisation_and_relation_dates_flagged_per_field():
    orgs = standardise_organizations(_frame(name=["同仁堂", "甲公司", "乙公司"],
                                            established_date=["1669-01-01", "1850-06-01",
                                                              "无"]))
    assert orgs.frame["established_date"].tolist()[:2] == ["1669-01-01", "1850-06-01"]
    assert pd.isna(orgs.frame["established_date"].iloc[2])
    assert orgs.flag_counts()["established_date_out_of_range"] == 1
    assert orgs.flag_counts()["established_date_unparsed"] == 1
    assert "established_date_out_of_range" in orgs.frame["flags"].iloc[0]

    rel = standardise_relations(_frame(type=["spouse", "executive", "executive"],
                                       from_id=["d:1", "d:2", "d:3"], to_id=["d:4", "d:5", "d:6"],
                                       start_date=["1850-01-01", "2020-01-01", "bad"],
                                       end_date=["1880-01-01", "2030-06-30", None]))
    assert rel.frame["start_date"].tolist()[:2] == ["1850-01-01", "2020-01-01"]
    assert rel.frame["end_date"].tolist()[:2] == ["1880-01-01", "2030-06-30"]
    assert _flags(rel) == ["start_date_out_of_range;end_date_out_of_range", None,
                           "date_unparsed"]


def test_spec_dates_settings_shared_and_per_source(tmp_path):
    spec = load_spec(_write_spec(tmp_path))
    assert spec.sources[0].dates == {
        "birth_date": DateRange(dt.date(1880, 1, 1), dt.date.today())}
    spec = load_spec(_write_spec(tmp_path, "dates:\n  birth_date: {earliest: 1600-01-01, "
                                           "latest: 1950-12-31}\n"))
    assert spec.sources[0].dates == {
        "birth_date": DateRange(dt.date(1600, 1, 1), dt.date(1950, 12, 31))}
    # the source's own setting wins, bound by bound; 'today' is allowed as latest
    spec = load_spec(_write_spec(
        tmp_path, "dates:\n  birth_date: {earliest: 1600-01-01, latest: 1950-12-31}\n"
                  "  established_date: {earliest: '1700-01-01'}\n",
        "    dates:\n      birth_date: {earliest: 1500-01-01}\n"))
    assert spec.sources[0].dates == {
        "birth_date": DateRange(dt.date(1500, 1, 1), dt.date(1950, 12, 31))}
    spec = load_spec(_write_spec(tmp_path, "", "    dates: {birth_date: {latest: today}}\n"))
    assert spec.sources[0].dates == {
        "birth_date": DateRange(dt.date(1880, 1, 1), dt.date.today())}


@pytest.mark.parametrize("dates_block, source_dates, message", [
    ("dates:\n  death_date: {earliest: 1600-01-01}\n", "",
     r"SOURCES\.yaml dates\.death_date: unknown date field 'death_date'; allowed: birth_date, "
     r"established_date, start_date, end_date$"),
    ("", "    dates: {established_date: {earliest: 1600-01-01}}\n",
     r"SOURCES\.yaml sources\[0\]\.dates\.established_date: unknown person date field "
     r"'established_date'; allowed: birth_date$"),
    ("dates:\n  birth_date: {earliest: 1600-13-01}\n", "",
     r"SOURCES\.yaml dates\.birth_date\.earliest: '1600-13-01' is not a date; expected "
     r"YYYY-MM-DD$"),
    ("", "    dates: {birth_date: {latest: yesterday}}\n",
     r"SOURCES\.yaml sources\[0\]\.dates\.birth_date\.latest: 'yesterday' is not a date; "
     r"expected YYYY-MM-DD or 'today'$"),
    ("dates:\n  birth_date: {earliest: today}\n", "",
     r"SOURCES\.yaml dates\.birth_date\.earliest: 'today' is allowed only as latest$"),
    ("dates:\n  birth_date: {from: 1600-01-01}\n", "",
     r"SOURCES\.yaml dates\.birth_date: unknown key 'from'; allowed: earliest, latest$"),
    ("dates:\n  birth_date: {earliest: 1990-01-01, latest: 1950-12-31}\n", "",
     r"SOURCES\.yaml dates\.birth_date: earliest 1990-01-01 is after latest 1950-12-31$"),
    ("dates: [birth_date]\n", "",
     r"SOURCES\.yaml dates: expected a mapping of date field -> \{earliest, latest\}$"),
])
def test_spec_date_errors_name_file_and_key(tmp_path, dates_block, source_dates, message):
    with pytest.raises(SpecError, match=message) as caught:
        load_spec(_write_spec(tmp_path, dates_block, source_dates))
    assert "\n" not in str(caught.value)


def test_ingest_keeps_historical_dates_and_counts_add_up(tmp_path):
    result = ingest(load_spec(_write_spec(tmp_path)), progress=False)
    rep = result.report["sources"][0]
    assert (rep["read"], rep["loaded"], rep["quarantined"]) == (9, 8, 1)
    assert rep["read"] == rep["loaded"] + rep["quarantined"]
    assert rep["quarantine_reasons"] == {"missing_record_id": 1}
    assert rep["flags"] == {"birth_date_out_of_range": 5, "birth_date_unparsed": 2}
    assert rep["date_ranges"] == {"birth_date": ["1880-01-01", dt.date.today().isoformat()]}
    births = result.persons.set_index("record_id")["birth_date"]
    assert births.loc[["h1", "h2", "h3", "h4", "h5", "h6"]].tolist() == [
        "1625-09-24", "1607-11-05", "1627-03-14", "1594-03-25", "1990-01-02", "2999-01-01"]
    assert births.loc[["h7", "h8"]].isna().all()


def _cli_ingest(spec: Path, out: Path) -> tuple[pd.DataFrame, dict]:
    proc = subprocess.run([sys.executable, "-m", "kglink", "ingest", str(spec), "--out",
                           str(out), "--quiet"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    persons = pd.read_parquet(out / "persons.parquet").set_index("record_id")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return persons, report


def test_cli_ingest_end_to_end_with_and_without_dates_settings(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    persons, report = _cli_ingest(_write_spec(tmp_path / "a"), tmp_path / "a" / "out")
    assert persons["birth_date"].to_dict() == {
        "h1": "1625-09-24", "h2": "1607-11-05", "h3": "1627-03-14", "h4": "1594-03-25",
        "h5": "1990-01-02", "h6": "2999-01-01", "h7": None, "h8": None}
    assert persons["flags"].to_dict() == {
        "h1": "birth_date_out_of_range", "h2": "birth_date_out_of_range",
        "h3": "birth_date_out_of_range", "h4": "birth_date_out_of_range", "h5": None,
        "h6": "birth_date_out_of_range", "h7": "birth_date_unparsed",
        "h8": "birth_date_unparsed"}
    totals = report["totals"]
    assert (totals["read"], totals["loaded"], totals["quarantined"]) == (9, 8, 1)

    spec = _write_spec(tmp_path / "b",
                       "dates:\n  birth_date: {earliest: 1500-01-01, latest: today}\n")
    persons, report = _cli_ingest(spec, tmp_path / "b" / "out")
    assert persons.loc["h3", "birth_date"] == "1627-03-14"
    assert persons["flags"].to_dict() == {
        "h1": None, "h2": None, "h3": None, "h4": None, "h5": None,
        "h6": "birth_date_out_of_range", "h7": "birth_date_unparsed",
        "h8": "birth_date_unparsed"}
    assert report["sources"][0]["flags"] == {"birth_date_out_of_range": 1,
                                             "birth_date_unparsed": 2}
    assert report["sources"][0]["date_ranges"] == {
        "birth_date": ["1500-01-01", dt.date.today().isoformat()]}


def test_cli_bad_dates_setting_is_one_line(tmp_path):
    spec = _write_spec(tmp_path, "dates:\n  birth_date: {earliest: 1600-02-30}\n")
    proc = subprocess.run([sys.executable, "-m", "kglink", "ingest", str(spec), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kglink: error:")
    assert "SOURCES.yaml dates.birth_date.earliest: '1600-02-30' is not a date" in lines[0]
