"""`kglink model show` through the real CLI on a hand-written model document (format
kglink-link-model v1): printed numbers, the PNG and HTML match-weights charts, one-line errors
for bad files."""

from __future__ import annotations

import html
import json
import math
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def kglink(*args):
    return subprocess.run([sys.executable, "-m", "kglink", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KGLINK_DEBUG": ""})


def level(label, m, u):
    return {"label": label, "m": m, "u": u, "weight": math.log2(m / u)}


# Weights by hand: log2(m/u). person name exact: log2(0.7/0.025) = log2(28) = 4.807.
PERSON_LEVELS = {
    "name": [("different", 0.05, 0.8, "-4.00"), ("jw>=0.80", 0.05, 0.1, "-1.00"),
             ("jw>=0.92", 0.1, 0.05, "+1.00"), ("same_pinyin", 0.1, 0.025, "+2.00"),
             ("exact", 0.7, 0.025, "+4.81")],
    "birth_date": [("different", 0.02, 0.64, "-5.00"), ("same_year", 0.08, 0.32, "-2.00"),
                   ("typo_or_swap", 0.1, 0.0125, "+3.00"), ("exact", 0.8, 0.003125, "+8.00")],
    "id_number": [("different", 0.01, 0.99, "-6.63"), ("2_edits", 0.01, 0.005, "+1.00"),
                  ("1_edit", 0.03, 0.00375, "+3.00"), ("exact", 0.95, 0.001, "+9.89")],
}
ORG_LEVELS = {
    "name": [("different", 0.1, 0.9, "-3.17"), ("exact", 0.9, 0.1, "+3.17")],
    "credit_code": [("different", 0.02, 0.98, "-5.61"), ("exact", 0.98, 0.02, "+5.61")],
}
KINDS = {"name": "name", "birth_date": "date", "id_number": "identifier",
         "credit_code": "identifier"}


def comparison(field, levels, tf=None):
    out = {"field": field, "kind": KINDS[field], "tf": tf is not None,
           "levels": [level(label, m, u) for label, m, u, _ in levels]}
    if tf is not None:
        out["term_frequencies"] = tf
    return out


def model_document() -> dict:
    # tf adjustments log2(u_random / share): wang wei -2, li na -1, zhang san +2, any value
    # not listed (share = floor) log2(50) = 5.64 capped at 3: range -2.00 .. +3.00 bits.
    name_tf = {"u_random": 0.025, "floor": 0.0005, "cap": 3.0,
               "values": {"wang wei": 0.1, "li na": 0.05, "zhang san": 0.00625}}
    person = {
        "entity_type": "person", "link_type": "dedupe_and_link", "records_fitted": 12345,
        # p = 1/1025: log2(p / (1 - p)) = log2(1/1024) = -10
        "prior": {"probability": 1 / 1025, "weight": -10.0, "method": "deterministic_rules"},
        "threshold": 0.99,  # log2(99) = 6.629 bits
        "blocking": [{"keys": ["id_number"], "method": "exact"},
                     {"keys": ["given_name", "family_name"], "method": "exact", "window": 5},
                     {"keys": ["name"], "method": "sorted", "window": 5}],
        "max_block_size": 1000,
        "comparisons": [comparison("name", PERSON_LEVELS["name"], name_tf),
                        comparison("birth_date", PERSON_LEVELS["birth_date"]),
                        comparison("id_number", PERSON_LEVELS["id_number"])],
        "training": {"method": "em_per_blocking_pass", "iterations": 37, "pairs": 123456},
        "settings": {},
    }
    organization = {
        "entity_type": "organization", "link_type": "link_only", "records_fitted": 800,
        # log2(0.0002 / 0.9998) = -12.2875
        "prior": {"probability": 0.0002, "weight": -12.288, "method": "deterministic_rules"},
        "threshold": 0.95,  # log2(19) = 4.248 bits
        "blocking": [{"keys": ["credit_code"], "method": "exact"}],
        "comparisons": [comparison("name", ORG_LEVELS["name"]),
                        comparison("credit_code", ORG_LEVELS["credit_code"])],
        "settings": {},
    }
    return {"format": "kglink-link-model", "version": 1, "created": "2026-12-02T20:00:00Z",
            "entities": {"person": person, "organization": organization}}


@pytest.fixture()
def model_file(tmp_path) -> Path:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model_document(), indent=1), encoding="utf-8")
    return path


def section_lines(stdout: str, entity: str) -> list[list[str]]:
    """The whitespace-split lines of one entity's section of the printed table."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{entity}  ("))
    end = next((i for i in range(start + 1, len(lines))
                if lines[i] and not lines[i].startswith(" ")), len(lines))
    return [line.split() for line in lines[start:end]]


def test_model_show_prints_hand_computed_numbers(model_file):
    result = kglink("model", "show", model_file)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.splitlines()[0] == "kglink-link-model v1, created 2026-12-02T20:00:00Z"
    person = section_lines(out, "person")
    assert ["person", "(dedupe_and_link,", "fitted", "on", "12,345", "records)"] in person
    assert ["prior", "p", "0.0009756,", "weight", "-10.00", "bits", "(deterministic_rules)"] \
        in person
    assert ["threshold", "p", "0.99", "=", "+6.63", "bits", "total", "weight"] in person
    assert ["blocking", "exact:", "id_number"] in person
    assert ["exact:", "given_name", "+", "family_name"] in person  # no window on exact rules
    assert ["sorted:", "name,", "window", "5"] in person
    assert ["max", "block", "1,000", "records"] in person
    assert ["name", "(name,", "tf)"] in person
    for field, levels in PERSON_LEVELS.items():
        for index, (label, m, u, weight) in enumerate(levels):
            assert [str(index), label, f"{m:.4g}", f"{u:.4g}", weight] in person, (field, label)
    assert ["4", "exact", "0.7", "0.025", "+4.81"] in person
    assert ["0", "different", "0.01", "0.99", "-6.63"] in person
    assert ["3", "exact", "0.8", "0.003125", "+8.00"] in person
    assert person.count(["-1", "missing", "+0.00"]) == 3
    assert ("term frequencies: 3 values, unlisted values share 0.0005, u_random 0.025, "
            "cap 3 bits, top level adjusted by -2.00 .. +3.00 bits") in out
    organization = section_lines(out, "organization")
    assert ["prior", "p", "0.0002,", "weight", "-12.29", "bits", "(deterministic_rules)"] \
        in organization
    assert ["threshold", "p", "0.95", "=", "+4.25", "bits", "total", "weight"] in organization
    assert ["1", "exact", "0.9", "0.1", "+3.17"] in organization
    assert ["0", "different", "0.02", "0.98", "-5.61"] in organization
    assert ["1", "exact", "0.98", "0.02", "+5.61"] in organization
    assert out.count("term frequencies:") == 1  # organization has none


def test_model_show_prints_the_weights_among_co_residents(tmp_path):
    document = model_document()
    person = document["entities"]["person"]
    person["settings"] = {"evidence_groups": [["address", "postcode", "phone"]]}
    two = [("different", 0.1, 0.9, ""), ("exact", 0.9, 0.1, "")]
    person["comparisons"] += [{"field": f, "kind": k, "tf": False,
                               "levels": [level(label, m, u) for label, m, u, _ in two]}
                              for f, k in (("address", "text"), ("phone", "phone"))]
    # among co-residents one name is shared far more often: exact log2(0.7 / 0.35) = +1
    person["comparisons"][0]["when_group_agrees"] = [{"group": 0, "levels": [
        {"label": label, "u": u, "weight": math.log2(m / u)}
        for (label, m, _, _), u in zip(PERSON_LEVELS["name"], (0.4, 0.1, 0.1, 0.05, 0.35),
                                       strict=True)]}]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = kglink("model", "show", path)
    assert result.returncode == 0, result.stderr
    lines = section_lines(result.stdout, "person")
    # postcode is not compared: the group the model counts is address / phone
    assert ["where", "address", "/", "phone", "show", "one", "home", "(u", "among", "its",
            "co-residents):"] in lines
    start = lines.index(["where", "address", "/", "phone", "show", "one", "home", "(u",
                         "among", "its", "co-residents):"])
    assert lines[start + 1:start + 6] == [
        ["4", "exact", "0.35", "+1.00"], ["3", "same_pinyin", "0.05", "+1.00"],
        ["2", "jw>=0.92", "0.1", "+0.00"], ["1", "jw>=0.80", "0.1", "-1.00"],
        ["0", "different", "0.4", "-3.00"]]
    chart = tmp_path / "weights.html"
    assert kglink("model", "show", path, "--chart", chart).returncode == 0
    assert ("<td>name (name, tf), where address / phone show one home</td><td class=n>4</td>"
            "<td>exact</td><td class=n></td><td class=n>0.35</td>"
            '<td class="n pos">+1.00</td>') in chart.read_text(encoding="utf-8")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def colour_pixels(image, hex_colour: str) -> int:
    import numpy as np

    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return int((np.abs(image[..., :3] - rgb).max(axis=-1) < 0.01).sum())


def test_png_chart(model_file, tmp_path):
    from matplotlib.image import imread

    from linking.model_report import M_COLOUR, NEGATIVE, POSITIVE, U_COLOUR

    chart = tmp_path / "weights.png"
    result = kglink("model", "show", model_file, "--chart", chart)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith(f"chart: {chart}")
    assert chart.stat().st_size > 30_000
    # 12 in wide at 110 dpi; height 0.24 in per row + 1.1 in per panel + 0.5 in:
    # person 2 prior + 3 comparison + 13 level rows, organization 2 + 2 + 4 rows.
    assert png_size(chart) == (1320, round((26 * 0.24 + 2 * 1.1 + 0.5) * 110))
    image = imread(chart)
    # bars of both signs and the m and u bars are drawn, not just axes
    for colour in (POSITIVE, NEGATIVE, M_COLOUR, U_COLOUR):
        assert colour_pixels(image, colour) > 2000, colour


def test_png_height_grows_with_levels(tmp_path):
    document = model_document()
    extra = document["entities"]["person"]["comparisons"]
    for i in range(10):  # 10 more comparisons of 4 levels: 50 more rows
        extra.append({**comparison("birth_date", PERSON_LEVELS["birth_date"]),
                      "field": f"date_{i}"})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    chart = tmp_path / "big.png"
    assert kglink("model", "show", path, "--chart", chart).returncode == 0
    assert png_size(chart) == (1320, round((76 * 0.24 + 2 * 1.1 + 0.5) * 110))


def test_html_chart_is_offline_and_holds_every_number(model_file, tmp_path):
    chart = tmp_path / "weights.html"
    result = kglink("model", "show", model_file, "--chart", chart)
    assert result.returncode == 0, result.stderr
    page = chart.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</html>" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "https://" not in page
    text = html.unescape(page)
    for levels in (*PERSON_LEVELS.values(), *ORG_LEVELS.values()):
        for index, (label, m, u, weight) in enumerate(levels):
            row = (f"<td class=n>{index}</td><td>{label}</td><td class=n>{m:.4g}</td>"
                   f"<td class=n>{u:.4g}</td>")
            assert row in text, row
            assert f"{row}<td class=\"n {'pos' if weight[0] == '+' else 'neg'}\">{weight}</td>" \
                in text
    assert "prior p 0.0009756, weight -10.00 bits; threshold p 0.99 = +6.63 bits" in text
    assert "prior p 0.0002, weight -12.29 bits; threshold p 0.95 = +4.25 bits" in text
    # the same file for the same model
    again = tmp_path / "again.html"
    assert kglink("model", "show", model_file, "--chart", again).returncode == 0
    assert again.read_bytes() == chart.read_bytes()


def broken_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, words the one-line error must contain)."""
    doc = model_document()
    no_weight = model_document()
    del no_weight["entities"]["person"]["comparisons"][1]["levels"][2]["weight"]
    no_prior = model_document()
    del no_prior["entities"]["organization"]["prior"]
    stray_home = model_document()  # no evidence group is compared: group 0 does not exist
    stray_home["entities"]["person"]["comparisons"][2]["when_group_agrees"] = [
        {"group": 0, "levels": stray_home["entities"]["person"]["comparisons"][2]["levels"]}]
    cases = {
        "not_json": ("{format: kglink", "not a JSON file"),
        "array": ("[1, 2]", "not a model document (top level is a JSON array)"),
        "wrong_format": ({**doc, "format": "splink"},
                         "format is 'splink', expected 'kglink-link-model'"),
        "version": ({**doc, "version": 2}, "unsupported model version 2"),
        "no_entities": ({k: v for k, v in doc.items() if k != "entities"}, "missing entities"),
        "no_weight": (no_weight, "entities.person: comparisons[1]: levels[2].weight is missing"),
        "no_prior": (no_prior, "entities.organization: missing prior"),
        "stray_home": (stray_home, "entities.person: comparisons[2].when_group_agrees[0]: "
                       "group must be the index of one of the 0 compared evidence groups"),
    }
    out = {}
    for name, (content, words) in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content),
                        encoding="utf-8")
        out[name] = (path, words)
    out["missing_file"] = (tmp_path / "absent.json", "no such file")
    return out


@pytest.mark.parametrize("case", ["not_json", "array", "wrong_format", "version", "no_entities",
                                  "no_weight", "no_prior", "stray_home", "missing_file"])
def test_bad_model_files_give_one_line_errors(tmp_path, case):
    path, words = broken_files(tmp_path)[case]
    result = kglink("model", "show", path)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"kglink: error: {path}: ")
    assert words in lines[0]


def test_unknown_chart_suffix_is_refused_before_printing(model_file, tmp_path):
    result = kglink("model", "show", model_file, "--chart", tmp_path / "weights.pdf")
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"kglink: error: {tmp_path / 'weights.pdf'}: unknown chart format '.pdf'; "
        "use .png or .html"]
    assert not (tmp_path / "weights.pdf").exists()
