"""Persons whose source splits the name (FEBRL-style given_name/surname lists, or Chinese
family/given columns) load, with `name` composed and the name keys derived from it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.standardise.names import compose_person_names


def _spec(tmp: Path, body: str, columns: str) -> Path:
    (tmp / "people.csv").write_text(body, encoding="utf-8")
    spec = tmp / "SOURCES.yaml"
    spec.write_text(f"""sources:
  - department: 卫健委
    entity: person
    format: csv
    path: people.csv
    id_column: rec_id
    columns: {columns}
""", encoding="utf-8")
    return spec


def test_western_list_without_name_loads_with_composed_name(tmp_path):
    body = ("rec_id,given_name,surname,date_of_birth\n"
            "rec-1-org,john,smith,19800101\n"
            "rec-2-org,,o'brien,19700505\n"
            "rec-3-org,mary,,19900909\n"
            "rec-4-org,,,19910101\n")
    spec = _spec(tmp_path, body,
                 "{given_name: given_name, surname: family_name, date_of_birth: birth_date}")
    result = ingest(load_spec(spec), progress=False)
    persons = result.persons.set_index("record_id")
    assert persons.loc["rec-1-org", "name"] == "john smith"
    assert persons.loc["rec-1-org", "name_norm"] == "john smith"
    assert persons.loc["rec-1-org", "name_pinyin"] == "john smith"
    assert persons.loc["rec-1-org", "name_script"] == "latin"
    assert persons.loc["rec-2-org", "name"] == "o'brien"
    assert persons.loc["rec-3-org", "name"] == "mary"
    assert persons.loc["rec-1-org", "given_name"] == "john"
    assert persons.loc["rec-1-org", "family_name"] == "smith"
    assert "name_composed" in persons.loc["rec-1-org", "flags"]
    # a row with neither part is quarantined, naming the fields this source maps
    assert result.quarantine["record_id"].tolist() == ["rec-4-org"]
    assert result.quarantine["reason"].tolist() == ["missing_required:given_name|family_name"]
    rep = result.report["sources"][0]
    assert (rep["read"], rep["loaded"], rep["quarantined"]) == (4, 3, 1)
    assert rep["flags"]["name_composed"] == 3


def test_chinese_family_and_given_join_without_space_and_name_wins(tmp_path):
    body = ("rec_id,姓名,姓,名\n"
            "1,,王,小明\n"
            "2,,歐陽,娜娜\n"
            "3,李四,李,思\n")
    spec = _spec(tmp_path, body, "{姓名: name, 姓: family_name, 名: given_name}")
    persons = ingest(load_spec(spec), progress=False).persons.set_index("record_id")
    assert persons.loc["1", "name"] == "王小明"
    assert persons.loc["1", "name_norm"] == "王小明"
    assert persons.loc["1", "name_pinyin"] == "wang xiao ming"
    assert persons.loc["1", "name_script"] == "han"
    assert persons.loc["2", "name_norm"] == "欧阳娜娜"  # traditional converted as usual
    assert persons.loc["3", "name"] == "李四"  # a given `name` is never replaced
    assert pd.isna(persons.loc["3", "flags"]) or "name_composed" not in persons.loc["3", "flags"]


def test_compose_person_names_on_values():
    given = pd.Series(["小明", "John", None, None, "Mary Ann", " 娜 "])
    family = pd.Series(["王", "Smith", "李", None, None, "李"])
    assert compose_person_names(given, family).tolist() == [
        "王小明", "John Smith", "李", pd.NA, "Mary Ann", "李娜"]
