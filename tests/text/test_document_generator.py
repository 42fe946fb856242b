"""The annotated-document generator (issue 17 item 4): gold offsets, determinism, the World it
draws from, NIL / ambiguous / abbreviated / noisy mentions, argument checks."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from loaders.synthetic import generate
from loaders.synthetic.document_noise import NAME_CONFUSABLES
from loaders.synthetic.documents import generate_documents, world_of
from loaders.synthetic.romanise import (
    INDUSTRY_EN,
    LEGAL_FORM_EN,
    core_pinyin,
    name_variants,
    place_pinyin,
)

TYPES = {"person", "organization", "id_number", "credit_code", "phone"}
DIGITS = str.maketrans("０１２３４５６７８９OlISB", "012345678901158")
CODE_DIGITS = str.maketrans("０１２３４５６７８９OIS", "0123456789015")


@pytest.fixture(scope="module")
def world():
    return world_of(200, 40, seed=7)


@pytest.fixture(scope="module")
def run(world, tmp_path_factory):
    """A 40-document run (20 per language): (out_dir, gold rows, texts by doc)."""
    out = tmp_path_factory.mktemp("docs")
    gold_path = generate_documents(out, world, count=20)
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]
    texts = {p.name: p.read_text(encoding="utf-8") for p in (out / "docs").iterdir()}
    return out, gold, texts


def _identifier(text: str, kind: str) -> str:
    """An identifier's text with the OCR noise undone (the test's own inverse)."""
    squeezed = "".join(text.split())
    return squeezed.translate(CODE_DIGITS if kind == "credit_code" else DIGITS)


def _name_matches(text: str, forms: set[str]) -> bool:
    """Equal to one of `forms` up to whitespace and at most one OCR-confused character."""
    text = "".join(text.split())
    for form in forms:
        form = "".join(form.split())
        diff = [(a, b) for a, b in zip(form, text, strict=False) if a != b]
        if len(form) == len(text) and (not diff or (len(diff) == 1 and
                                                    NAME_CONFUSABLES.get(diff[0][0]) == diff[0][1])):
            return True
    return False


def _split(name: str) -> tuple[str, str]:
    """(surname, given name) of a generated name."""
    cut = 2 if name[:2] in ("欧阳", "司马", "上官", "诸葛", "夏侯") else 1
    return name[:cut], name[cut:]


def _person_rows(world) -> pd.DataFrame:
    return world.persons.set_index("true_id")


def _org_rows(world) -> pd.DataFrame:
    return world.orgs.set_index("true_id")


def test_world_of_is_the_world_generate_writes(world, tmp_path):
    generate(tmp_path, persons=200, organizations=40, seed=7, noise=0.0, formats="fast")
    truth = pd.read_csv(tmp_path / "truth_persons.csv", dtype=str)
    huji = pd.read_parquet(tmp_path / "gat_huji.parquet").merge(
        truth[truth["department"] == "公安厅户籍"], left_on="记录号", right_on="record_id")
    assert len(huji) == 200
    people = _person_rows(world)
    assert huji["姓名"].tolist() == people.loc[huji["true_id"], "name"].tolist()
    assert huji["公民身份号码"].tolist() == people.loc[huji["true_id"], "id_number"].tolist()
    companies = pd.read_parquet(tmp_path / "samr_companies.parquet").merge(
        pd.read_csv(tmp_path / "truth_organizations.csv", dtype=str), left_on="记录号",
        right_on="record_id")
    orgs = _org_rows(world)
    assert sorted(companies["true_id"]) == sorted(orgs.index)
    assert companies["企业名称"].tolist() == orgs.loc[companies["true_id"], "name"].tolist()
    assert companies["统一社会信用代码"].tolist() == \
        orgs.loc[companies["true_id"], "credit_code"].tolist()


def test_gold_offsets_are_exact_and_never_overlap(run):
    out, gold, texts = run
    listing = [json.loads(line) for line in
               (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["doc"] for d in listing] == [f"{lang}-{i:04d}.txt" for lang in ("zh", "en")
                                           for i in range(20)]
    assert all(d["chars"] == len(texts[d["doc"]]) and d["seed"] == 11 for d in listing)
    assert {d["kind"] for d in listing} == {"penalty_decision", "shareholder_change",
                                            "court_notice", "news"}
    assert len(gold) > 300
    for m in gold:
        assert texts[m["doc"]][m["start"]:m["end"]] == m["text"], m
        assert m["type"] in TYPES and m["lang"] == m["doc"][:2]
    for _, mentions in itertools.groupby(gold, key=lambda m: m["doc"]):
        spans = sorted((m["start"], m["end"]) for m in mentions)
        assert all(end <= nxt for (_, end), (nxt, _) in zip(spans, spans[1:], strict=False))


def test_rerun_is_byte_identical(world, tmp_path):
    for name in ("a", "b"):
        generate_documents(tmp_path / name, world, count=6, seed=3)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*")
                   if p.is_file())
    assert len(files) == 14  # 12 documents, gold.jsonl, documents.jsonl
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    generate_documents(tmp_path / "c", world, count=6, seed=4)
    assert (tmp_path / "c" / "gold.jsonl").read_bytes() != \
        (tmp_path / "a" / "gold.jsonl").read_bytes()


def test_count_and_languages_are_honoured(world, tmp_path):
    generate_documents(tmp_path, world, count=5, languages=("en",))
    generate_documents(tmp_path, world, count=3, languages=("en",))  # stale ones removed
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        "en-0000.txt", "en-0001.txt", "en-0002.txt"]
    rows = [json.loads(line) for line in (tmp_path / "documents.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert [(r["doc"], r["lang"], r["kind"]) for r in rows] == [
        ("en-0000.txt", "en", "penalty_decision"), ("en-0001.txt", "en", "shareholder_change"),
        ("en-0002.txt", "en", "court_notice")]
    gold = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert {g["doc"] for g in gold} == {r["doc"] for r in rows}


def test_hand_checked_mentions_name_their_entities(run, world):
    _, gold, _ = run
    first = [(m["text"], m["type"], m["true_id"]) for m in gold if m["doc"] == "zh-0000.txt"][:5]
    assert first == [("湖南雨花卓越医药股份有限公司", "organization", "O000024"),
                     ("雨花卓越公司", "organization", "O000024"),
                     ("914310237NBCX7X486", "credit_code", "O000024"),
                     ("许\n梅", "person", "P0000078"),
                     ("0731-84338407", "phone", "O000024")]
    orgs, people = _org_rows(world), _person_rows(world)
    assert orgs.loc["O000024", ["name", "credit_code", "phone"]].tolist() == [
        "湖南雨花卓越医药股份有限公司", "914310237NBCX7X486", "0731-84338407"]
    assert people.loc["P0000078", "name"] == "许梅"
    assert world.orgs["legal_rep"].iloc[24] == 78  # the decision's 法定代表人
    shareholder = [m for m in gold if m["doc"] == "zh-0001.txt"][2]
    assert (shareholder["text"], shareholder["true_id"]) == ("李艳", "P0000046")
    assert people.loc["P0000046", "name"] == "李艳"


def test_true_ids_exist_and_identifiers_belong_to_them(run, world):
    _, gold, _ = run
    people, orgs = _person_rows(world), _org_rows(world)
    phones = {**{pid: {m, h} for pid, m, h in zip(people.index, people["mobile"],
                                                  people["household_phone"], strict=True)},
              **{oid: {p} for oid, p in zip(orgs.index, orgs["phone"], strict=True)}}
    linked = [m for m in gold if m["true_id"] is not None]
    assert {m["true_id"][0] for m in linked if m["type"] in ("person", "id_number")} == {"P"}
    assert {m["true_id"][0] for m in linked if m["type"] in ("organization", "credit_code")} \
        == {"O"}
    for m in linked:
        assert m["true_id"] in people.index or m["true_id"] in orgs.index
        clean = _identifier(m["text"], m["type"])
        if m["type"] == "id_number":
            assert clean == people.loc[m["true_id"], "id_number"], m
        elif m["type"] == "credit_code":
            assert clean == orgs.loc[m["true_id"], "credit_code"], m
        elif m["type"] == "phone":
            assert clean in phones[m["true_id"]], m


def test_person_and_company_mentions_render_their_entity(run, world):
    _, gold, _ = run
    people, orgs = _person_rows(world), _org_rows(world)
    prefix_len = dict(zip(orgs.index, orgs["name_prefix"].str.len(), strict=True))
    holders = people["name"].value_counts()
    pinyin = pd.Series([name_variants(*_split(n))[0] for n in people["name"]])
    pinyin_holders = pinyin.value_counts()
    for m in (m for m in gold if m["true_id"] is not None):
        if m["type"] == "person":
            name = people.loc[m["true_id"], "name"]
            variants = name_variants(*_split(name))
            forms = {name} if m["lang"] == "zh" else set(variants)
            assert _name_matches(m["text"], forms), m
            shared = holders[name] if m["lang"] == "zh" else pinyin_holders[variants[0]]
            assert m["ambiguous"] == (shared >= 2), m
        elif m["type"] == "organization":
            full = orgs.loc[m["true_id"], "name"]
            core = full[prefix_len[m["true_id"]]:][:4]
            industry = next(w for w in INDUSTRY_EN if full[prefix_len[m["true_id"]] + 4:]
                            .startswith(w))
            if m["lang"] == "zh":
                forms = {core + industry, core + "公司", core} if m["abbreviated"] else {full}
            elif m["abbreviated"]:
                forms = {core_pinyin(core), f"{core_pinyin(core)} {INDUSTRY_EN[industry][0]}"}
            else:
                form = full[prefix_len[m["true_id"]] + 4 + len(industry):]
                region = place_pinyin(full[:prefix_len[m["true_id"]]])
                forms = {f"{region} {core_pinyin(core)} {i} {f}" for i in INDUSTRY_EN[industry]
                         for f in LEGAL_FORM_EN[form]}
            assert _name_matches(m["text"], forms), m


def test_nil_mentions_belong_to_nobody_in_the_world(run, world):
    _, gold, texts = run
    people, orgs = _person_rows(world), _org_rows(world)
    births = set(people["birth"].dt.strftime("%Y%m%d"))
    nil = [m for m in gold if m["true_id"] is None]
    ids = [_identifier(m["text"], "id_number") for m in nil if m["type"] == "id_number"]
    assert ids and not set(ids) & set(people["id_number"])
    assert not {i[6:14] for i in ids} & births
    codes = {_identifier(m["text"], "credit_code") for m in nil if m["type"] == "credit_code"}
    assert codes and not codes & set(orgs["credit_code"])
    phones = {_identifier(m["text"], "phone") for m in nil if m["type"] == "phone"}
    assert not phones & (set(people["mobile"]) | set(people["household_phone"])
                         | set(orgs["phone"]))
    full = {"".join(m["text"].split()) for m in nil if m["type"] == "organization"
            and m["lang"] == "zh" and not m["abbreviated"]}
    assert full and not full & set(orgs["name"])
    names = set(people["name"])
    addresses = {a[:a.index("号") + 1] for a in set(people["new_address"]) | set(
        people["address"])}
    checked = {"birth": 0, "address": 0}
    for m in (m for m in nil if m["type"] == "person" and m["lang"] == "zh"):
        clean = "".join(m["text"].split())
        assert m["ambiguous"] == (clean in names) or m["noisy"], m
        born = re.match(r"^，?[男女]，?(\d{4})年(\d{1,2})月(\d{1,2})日", texts[m["doc"]][m["end"]:])
        if born:
            assert f"{born[1]}{int(born[2]):02d}{int(born[3]):02d}" not in births, m
            checked["birth"] += 1
        lives = re.match(r"^[^。\n]*?住(湖南省[^，。\n]+?号)", texts[m["doc"]][m["end"]:])
        if lives:
            assert lives[1] not in addresses, m
            checked["address"] += 1
    assert checked == {"birth": 2, "address": 2}


def test_exact_counts_of_hard_mentions(run):
    _, gold, _ = run

    def counts(lang: str) -> dict[str, int]:
        rows = [m for m in gold if m["lang"] == lang]
        return {"mentions": len(rows), "nil": sum(m["true_id"] is None for m in rows),
                "ambiguous": sum(m["ambiguous"] for m in rows),
                "abbreviated": sum(m["abbreviated"] for m in rows),
                "noisy": sum(m["noisy"] for m in rows)}

    assert counts("zh") == {"mentions": 272, "nil": 33, "ambiguous": 60, "abbreviated": 44,
                            "noisy": 18}
    assert counts("en") == {"mentions": 160, "nil": 16, "ambiguous": 39, "abbreviated": 11,
                            "noisy": 26}


def test_no_noise_means_no_noisy_mention(world, tmp_path):
    gold_path = generate_documents(tmp_path, world, count=8, noise=0.0)
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]
    assert gold and not any(m["noisy"] for m in gold)
    assert not any(any(c.isspace() for c in m["text"]) for m in gold if m["lang"] == "zh")
    rows = (tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert not any(json.loads(r)["noisy"] for r in rows)


def test_english_names_are_pinyin_with_variants():
    assert name_variants("张", "建国") == ("Zhang Jianguo", "ZHANG Jianguo", "Jianguo Zhang",
                                         "Zhang Jian-guo")
    assert name_variants("欧阳", "娜") == ("Ouyang Na", "OUYANG Na", "Na Ouyang")
    assert name_variants("曾", "伟")[0] == "Zeng Wei"
    assert core_pinyin("星城智远") == "Xingcheng Zhiyuan"
    assert place_pinyin("长沙市") == "Changsha"
    assert place_pinyin("岳麓区") == "Yuelu District"
    assert place_pinyin("靖州苗族侗族自治县") == "Jingzhou Autonomous County"
    assert place_pinyin("湘西土家族苗族自治州") == "Xiangxi Prefecture"


@pytest.mark.parametrize("kwargs, message", [
    ({"count": 0}, "count must be at least 1, not 0"),
    ({"languages": ("zh", "fr")}, "unknown language 'fr': choose from zh, en"),
    ({"languages": ()}, "languages must name at least one of: zh, en"),
    ({"noise": -1.0}, "noise must be 0 or more, not -1.0"),
])
def test_bad_arguments_are_one_line_errors(world, tmp_path, kwargs, message):
    with pytest.raises(ValueError) as error:
        generate_documents(tmp_path, world, **kwargs)
    assert str(error.value) == message
    assert not (tmp_path / "docs").exists()


def test_a_thousand_documents_take_seconds(tmp_path):
    started = time.perf_counter()
    generate_documents(tmp_path, world_of(2000, 400, seed=7), count=500)
    assert time.perf_counter() - started < 30
    assert len(list((tmp_path / "docs").iterdir())) == 1000


def test_generator_does_not_import_linking_or_graph():
    code = ("import sys, loaders.synthetic.documents; print(sorted({m.split('.')[0] for m in "
            "sys.modules} & {'linking', 'graph', 'kglink', 'queries'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"
