"""``kglink report regions`` through the real CLI on the hand-built graph of
``regions_case.py``: the page's tables hold the hand-computed numbers of test_regions.py, the
PNGs are real, the page needs no network and renders its charts in headless Chromium, and
the graph is left unchanged."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest
from regions_case import COMPANIES, PERSONS

from graph.region_charts import BAR_COLOUR

SECTIONS = ["ranking", "industry", "established", "flows", "coverage"]
TABLES = {  # section -> header row, then body rows, as the page shows them
    "ranking": [
        ["code", "name", "level", "company_count", "person_count", "reg_capital_total",
         "cross_division_links"],
        ["430100", "长沙市", "prefecture", "3", "4", "51,500.00", "5"],
        ["430200", "株洲市", "prefecture", "2", "2", "400.00", "4"],
        ["430300", "湘潭市", "prefecture", "1", "1", "0.00", "1"]],
    "industry": [
        ["code", "name", "industry", "derived", "companies", "reg_capital"],
        ["430100", "长沙市", "(unknown)", "no", "1", "50,000.00"],
        ["430100", "长沙市", "信息技术", "no", "1", "500.00"],
        ["430100", "长沙市", "卫生和社会工作", "no", "1", "1,000.00"],
        ["430200", "株洲市", "实业", "name", "1", "100.00"],
        ["430200", "株洲市", "建设", "name", "1", "300.00"],
        ["430300", "湘潭市", "贸易", "name", "1", "0.00"]],
    "established": [
        ["year", "长沙市", "株洲市", "湘潭市"],
        ["2019", "1", "2", "0"], ["2020", "1", "0", "1"], ["2021", "1", "0", "0"]],
    "flows": [
        ["from \\ to", "长沙市", "株洲市", "湘潭市"],
        ["长沙市", "0", "2", "1"], ["株洲市", "1", "0", "0"], ["湘潭市", "0", "0", "0"]],
    "coverage": [
        ["prefecture", "name", "department", "persons", "companies"],
        ["430100", "长沙市", "人社厅社保", "2", "0"], ["430100", "长沙市", "公安厅户籍", "4", "0"],
        ["430100", "长沙市", "市场监管局", "0", "3"], ["430100", "长沙市", "税务局", "0", "1"],
        ["430200", "株洲市", "人社厅社保", "1", "0"], ["430200", "株洲市", "公安厅户籍", "2", "0"],
        ["430200", "株洲市", "市场监管局", "0", "2"], ["430200", "株洲市", "税务局", "0", "1"],
        ["430300", "湘潭市", "公安厅户籍", "1", "0"], ["430300", "湘潭市", "市场监管局", "0", "1"]],
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Tables(HTMLParser):
    """The page's tables (by id) as rows of cell texts, and its images' sources."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[str] = []
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(attrs["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table is not None and self._cell is not None:
            self._table[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-W", "error", "-m", "kglink", *args],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=300)


def division_marker(graph, value: int | None = None) -> int:
    """Set (when ``value`` is given) and read 长沙市's stored person_count."""
    driver, database = graph
    if value is not None:
        driver.execute_query("MATCH (d:AdministrativeDivision {code: '430100'}) "
                             "SET d.person_count = $v", v=value, database_=database)
    records, _, _ = driver.execute_query(
        "MATCH (d:AdministrativeDivision {code: '430100'}) RETURN d.person_count AS p",
        database_=database)
    return records[0]["p"]


@pytest.fixture(scope="module")
def report(regions_graph, tmp_path_factory):
    """(page path, the CLI's completed process); the graph marked before, to see it kept."""
    division_marker(regions_graph, -7)
    page = tmp_path_factory.mktemp("report") / "report.html"
    done = kglink("report", "regions", "-o", str(page), "--top", "3")
    assert done.returncode == 0, done.stderr
    return page, done


def test_tables_hold_the_hand_computed_numbers(report):
    page, _ = report
    parsed = Tables()
    parsed.feed(page.read_text(encoding="utf-8"))
    assert list(parsed.tables) == SECTIONS
    assert parsed.tables == TABLES


def test_progress_on_stderr_and_no_warning(report):
    from graph.export.picture import cjk_font

    page, done = report
    titles = ["prefecture ranked by persons",
              "industry of the ranked divisions (derived: name = the company name's industry "
              "words, credit_code = the credit code's organisation category)",
              "companies established per year (rows), per prefecture (columns)",
              "cross-prefecture links (shareholdings, legal representatives, employment; rows "
              "from, columns to)",
              "department coverage per prefecture (entities with a record there)"]
    font = [] if cjk_font() else [
        "no CJK font installed (apt-get install fonts-wqy-microhei): Chinese names in the "
        "charts draw as boxes; the tables are unaffected"]
    expected = ["reading divisions, entities and links from Neo4j", *font,
                *(f"chart {i}/5: {t}" for i, t in enumerate(titles, start=1))]
    assert done.stderr.splitlines() == [f"kglink report: {line}" for line in expected]
    assert done.stdout == f"wrote {page} and 5 charts in {page.parent / 'report_files'}\n"


def test_pngs_beside_the_page_are_the_embedded_charts(report):
    from matplotlib.image import imread

    page, _ = report
    parsed = Tables()
    parsed.feed(page.read_text(encoding="utf-8"))
    folder = page.parent / "report_files"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.png" for k in SECTIONS)
    assert len(parsed.images) == len(SECTIONS)
    for key, source in zip(SECTIONS, parsed.images, strict=True):
        data = (folder / f"{key}.png").read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 5000, key
        assert source == "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        height, width, _ = imread(folder / f"{key}.png").shape
        assert height >= 200 and width >= 500, key


def test_page_is_offline_and_shows_no_personal_data(report):
    page = report[0].read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href)="([a-z]+:)', page) == ["data:"] * len(SECTIONS)
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert not re.search(r"(?i)https?:|url\(|//", text)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    names = {p[3] for p in PERSONS} | {c[3] for c in COMPANIES}
    assert [n for n in names if n in page] == []


def test_report_leaves_the_graph_unchanged(report, regions_graph):
    assert division_marker(regions_graph) == -7


def test_mask_pii_is_accepted_and_changes_nothing(report, tmp_path):
    page, _ = report
    masked = tmp_path / "report.html"
    done = kglink("report", "regions", "-o", str(masked), "--top", "3", "--mask-pii")
    assert done.returncode == 0, done.stderr
    assert masked.read_text(encoding="utf-8") == page.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--level", "city"], "--level 'city' is not one of province, prefecture, county"),
    (["--by", "age"], "--by 'age' is not one of persons, companies, reg_capital, cross_links"),
    (["--top", "0"], "--top must be at least 1, not 0"),
    (["-o", "report.txt"], "-o report.txt: the report is an HTML page; name it *.html"),
])
def test_bad_input_is_one_line_before_any_work(tmp_path, args, message):
    done = subprocess.run([sys.executable, "-m", "kglink", "report", "regions", "-o",
                           "report.html", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=300, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == f"kglink: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_page_renders_its_charts_in_headless_chromium_without_network(report, tmp_path):
    from matplotlib.image import imread

    from tests.services.headless_chromium import screenshot

    shot = screenshot(report[0], tmp_path / "shot.png", size=(1200, 900), offline=True)
    rgb = (imread(shot)[..., :3] * 255).round().astype(int)
    bar = np.array([int(BAR_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    # the ranking chart's bars (4 + 2 + 1 persons) fill ~60,000 pixels in their colour; a page
    # whose images do not load has none
    assert int((np.abs(rgb - bar).max(axis=-1) <= 6).sum()) > 20_000
