"""``kglink mine regions`` through the real CLI on the hand-built graph: the exact report,
no warning on stderr, and one-line errors for bad input before anything is written."""

from __future__ import annotations

import os
import subprocess
import sys

EXPECTED_PREFECTURE_TOP_3 = "\n".join([
    '== regions: divisions 3219, located_entities 14, companies_located 6, industry_from_name 3, industry_from_credit_code 0, non-empty prefecture 3, level prefecture, ranked by persons; wrote 3219 nodes',
    '',
    '== prefecture ranked by persons',
    'code   | name   | level      | company_count | person_count | reg_capital_total | cross_division_links',
    '-------+--------+------------+---------------+--------------+-------------------+---------------------',
    '430100 | 长沙市 | prefecture | 3             | 4            | 51500.0           | 5                   ',
    '430200 | 株洲市 | prefecture | 2             | 2            | 400.0             | 4                   ',
    '430300 | 湘潭市 | prefecture | 1             | 1            | 0.0               | 1                   ',
    '(3 rows)',
    '',
    "== industry of the ranked divisions (derived: name = the company name's industry words, "
    "credit_code = the credit code's organisation category)",
    'code   | name   | industry       | derived | companies | reg_capital',
    '-------+--------+----------------+---------+-----------+------------',
    '430100 | 长沙市 | (unknown)      | no      | 1         | 50000.0    ',
    '430100 | 长沙市 | 信息技术       | no      | 1         | 500.0      ',
    '430100 | 长沙市 | 卫生和社会工作 | no      | 1         | 1000.0     ',
    '430200 | 株洲市 | 实业           | name    | 1         | 100.0      ',
    '430200 | 株洲市 | 建设           | name    | 1         | 300.0      ',
    '430300 | 湘潭市 | 贸易           | name    | 1         | 0.0        ',
    '(6 rows)',
    '',
    '== companies established per year (rows), per prefecture (columns)',
    'year | 长沙市 | 株洲市 | 湘潭市',
    '-----+--------+--------+-------',
    '2019 | 1      | 2      | 0     ',
    '2020 | 1      | 0      | 1     ',
    '2021 | 1      | 0      | 0     ',
    '(3 rows)',
    '',
    '== cross-prefecture links (shareholdings, legal representatives, employment; rows from, columns to)',
    'from \\ to | 长沙市 | 株洲市 | 湘潭市',
    '----------+--------+--------+-------',
    '长沙市    | 0      | 2      | 1     ',
    '株洲市    | 1      | 0      | 0     ',
    '湘潭市    | 0      | 0      | 0     ',
    '(3 rows)',
    '',
    '== department coverage per prefecture (entities with a record there)',
    'prefecture | name   | department | persons | companies',
    '-----------+--------+------------+---------+----------',
    '430100     | 长沙市 | 人社厅社保 | 2       | 0        ',
    '430100     | 长沙市 | 公安厅户籍 | 4       | 0        ',
    '430100     | 长沙市 | 市场监管局 | 0       | 3        ',
    '430100     | 长沙市 | 税务局     | 0       | 1        ',
    '430200     | 株洲市 | 人社厅社保 | 1       | 0        ',
    '430200     | 株洲市 | 公安厅户籍 | 2       | 0        ',
    '430200     | 株洲市 | 市场监管局 | 0       | 2        ',
    '430200     | 株洲市 | 税务局     | 0       | 1        ',
    '430300     | 湘潭市 | 公安厅户籍 | 1       | 0        ',
    '430300     | 湘潭市 | 市场监管局 | 0       | 1        ',
    '(10 rows)',
    '',
])


def kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-W", "error::FutureWarning", "-m", "kglink", *args],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=300)


def test_prefecture_top_3_report_exactly(regions_graph):
    done = kglink("mine", "regions", "--level", "prefecture", "--top", "3")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == EXPECTED_PREFECTURE_TOP_3


def test_bad_level_is_one_line_and_writes_nothing(regions_graph):
    driver, database = regions_graph
    driver.execute_query("MATCH (d:AdministrativeDivision {code: '430100'}) "
                         "SET d.person_count = -1", database_=database)
    done = kglink("mine", "regions", "--level", "city")
    assert done.returncode == 1
    assert done.stderr == ("kglink: error: --level 'city' is not one of province, prefecture, "
                           "county\n")
    records, _, _ = driver.execute_query(
        "MATCH (d:AdministrativeDivision {code: '430100'}) RETURN d.person_count AS p",
        database_=database)
    assert records[0]["p"] == -1


def test_json_report_has_every_section(regions_graph):
    import json

    done = kglink("mine", "regions", "--format", "json", "--level", "county", "--top", "2",
                  "--by", "companies", "--no-write")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert [r["code"] for r in payload["ranking"]] == ["430202", "430102"]
    assert payload["written"] == 0
    # the focus (株洲市, 长沙市) and the prefecture they link to (湘潭市)
    assert [(r["from \\ to"], r["长沙市"], r["株洲市"], r["湘潭市"]) for r in payload["flows"]] == [
        ("长沙市", 0, 2, 1), ("株洲市", 1, 0, 0), ("湘潭市", 0, 0, 0)]
    assert payload["established"] == [{"year": 2019, "长沙市": 1, "株洲市": 2},
                                      {"year": 2020, "长沙市": 1, "株洲市": 0},
                                      {"year": 2021, "长沙市": 1, "株洲市": 0}]
