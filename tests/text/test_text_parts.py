"""The parts of text linking that need no graph, on hand-computed inputs: squeezing stray
whitespace, identifier and organisation spans, abbreviations, aliases, what the text says
of each party, and the NIL arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from linking.text.aliases import org_aliases, person_keys
from linking.text.context import Mention, describe
from linking.text.decide import Weighed, _Candidate, estimate_nil_prior
from linking.text.identifiers import credit_code_form, id_number_form, phone_form
from linking.text.linker import document_words, language_of
from linking.text.spans import (
    abbreviations,
    identifier_spans,
    organisation_spans,
    squeeze,
)


def test_squeeze_removes_stray_whitespace_and_maps_back():
    text = "被告王 建国，电话1860325 5151。"
    squeezed = squeeze(text, "zh")
    assert squeezed.text == "被告王建国，电话18603255151。"
    start = squeezed.text.index("王建国")
    assert squeezed.span(start, start + 3) == (2, 6)
    assert text[slice(*squeezed.span(start, start + 3))] == "王 建国"
    english = squeeze("ZHAO Fan g and W ei Yulan said", "en", frozenset({"fang", "wei"}))
    assert english.text == "ZHAO Fang and Wei Yulan said"
    words = document_words(["Hunan Lo gistics Co., Ltd. and Yongan Logistics"])
    assert words == {"hunan", "lo", "gistics", "co", "ltd", "and", "yongan", "logistics"}
    assert squeeze("Hunan Lo gistics Co.", "en", words).text == "Hunan Logistics Co."


def test_squeeze_joins_an_identifier_only_when_its_check_character_passes():
    assert squeeze("code 91430621 M68QY8KH4D.", "en").text == "code 91430621M68QY8KH4D."
    assert squeeze("代码91430621\nM68QY8KH4D。", "zh").text == "代码91430621M68QY8KH4D。"
    assert squeeze("code 91430621 M68QY8KH4E.", "en").text == "code 91430621 M68QY8KH4E."
    assert squeeze("ID 430503 197504043353", "en").text == "ID 430503197504043353"


def test_english_runs_cross_a_line_break_only_where_the_name_goes_on():
    import spacy

    from linking.text.pipeline import _english_runs

    doc = spacy.blank("en")("Court of Xinning\nHunan Yongan Co., Ltd. and Changde Lushan\n"
                            "Ruixiang Investment Co., Ltd. and Meixi Logistics \nCo., Ltd.\nUnified code")
    runs = _english_runs(doc, lambda d, start, at, end: d[at - 1].text in ("Lushan", "Logistics"))
    assert [(doc[s:e].text, legal) for s, e, legal in runs] == [
        ("Court", False), ("Xinning", False), ("Hunan Yongan Co., Ltd.", True),
        ("Changde Lushan\nRuixiang Investment Co., Ltd.", True),
        ("Meixi Logistics \nCo., Ltd.", True), ("Unified", False)]


def test_identifier_spans_and_their_normal_forms():
    text = ("身份证号43O5O3197504043353，信用代码91430621M68QY8KH4D，"
            "电话0731-86004588或13845004334。")
    assert [(text[s:e], kind) for s, e, kind in identifier_spans(text)] == [
        ("43O5O3197504043353", "id_number"), ("91430621M68QY8KH4D", "credit_code"),
        ("0731-86004588", "phone"), ("13845004334", "phone")]
    assert id_number_form("43O5O3197504043353") == ("430503197504043353", True)
    assert id_number_form("430503197504043354") == ("430503197504043354", False)
    assert credit_code_form("91430621M68QY8KH4D") == ("91430621M68QY8KH4D", True)
    assert phone_form("0731-86004588") == "073186004588"


def test_identifiers_in_full_width_beside_characters_nfkc_widens():
    text = "经查……电话１３８００１３８０００，面积5㎡。"
    assert [(text[s:e], kind) for s, e, kind in identifier_spans(text)] == [
        ("１３８００１３８０００", "phone")]
    assert squeeze("当事人王\r\n建国", "zh").text == "当事人王建国"


def test_organisations_by_legal_form():
    text = ("本院受理原告湖南岳麓天成农业开发有限公司诉你一案，依照《中华人民共和国公司法》，"
            "该公司应当位于益阳市沅江市的娄底泰和宏图实业有限公司。")
    assert [text[s:e] for s, e, _ in organisation_spans(text)] == [
        "湖南岳麓天成农业开发有限公司", "娄底泰和宏图实业有限公司"]


def test_defined_and_derived_abbreviations():
    text = "当事人：湖南芙蓉同创实业有限公司（以下简称“同创”）。芙蓉同创公司称……"
    organisations = organisation_spans(text)
    found = abbreviations(text, organisations)
    whole = organisations[0][:2]
    assert found["同创"] == whole and found["芙蓉同创公司"] == whole
    assert set(found) == org_aliases("湖南芙蓉同创实业有限公司") - {"湖南芙蓉同创实业有限公司"} | {
        "同创"}


def test_aliases_of_a_company_and_keys_of_a_person():
    assert org_aliases("湖南泰和智远置业有限公司") == {
        "湖南泰和智远置业有限公司", "湖南泰和智远置业", "湖南泰和智远置业公司", "湖南泰和智远",
        "湖南泰和智远公司", "泰和智远置业有限公司", "泰和智远置业", "泰和智远置业公司",
        "泰和智远", "泰和智远公司", "智远置业有限公司", "智远置业", "智远置业公司", "智远公司"}
    assert person_keys("ou yang chun hua", 2) == {"ouyangchunhua", "chunhuaouyang"}


def test_what_the_text_says_of_each_party():
    text = ("当事人：湖南星城智远科技有限公司，统一社会信用代码：91430621M68QY8KH4D，"
            "住所：湖南省长沙市芙蓉区人民路1号。法定代表人：王建国，男，1975年4月4日出生，"
            "身份证号：430503197504043353。")
    org = Mention(text.index("湖南"), text.index("湖南") + 12, "湖南星城智远科技有限公司",
                  "organization")
    code = Mention(text.index("914"), text.index("914") + 18, "91430621M68QY8KH4D",
                   "credit_code")
    person = Mention(text.index("王建国"), text.index("王建国") + 3, "王建国", "person")
    number = Mention(text.index("4305"), text.index("4305") + 18, "430503197504043353",
                     "id_number")
    describe(text, [org, code, person, number])
    assert org.fields == {"credit_code": "91430621M68QY8KH4D",
                          "address": "湖南省长沙市芙蓉区人民路1号", "legal_rep_name": "王建国"}
    assert person.fields == {"id_number": "430503197504043353", "sex": "M",
                             "birth_date": "1975-04-04"}
    assert person.role == "法定代表人" and person.birth_year == 1975


def test_english_birth_dates_and_ages():
    text = "Zhang Wei, male, born on December 24, 1983, met Li Na, 45, on 3 May 2024."
    zhang = Mention(0, 9, "Zhang Wei", "person")
    li = Mention(text.index("Li Na"), text.index("Li Na") + 5, "Li Na", "person")
    describe(text, [zhang, li])
    assert zhang.fields == {"sex": "M", "birth_date": "1983-12-24"}
    assert li.birth_year == 2024 - 45


@pytest.mark.parametrize(("support", "share"), [([1.0, 1.0], 0.5), ([1e-12] * 2, 0.75),
                                                ([1e12] * 2, 0.25)])
def test_nil_share_is_a_smoothed_fixed_point(support, share):
    weighed = [Weighed("person", None, [_Candidate("P1", 0.0, {})], np.array([s]))
               for s in support]
    assert estimate_nil_prior(weighed) == pytest.approx(share, abs=1e-5)


def test_a_decision_weighs_candidates_against_nil():
    two = Weighed("person", None, [_Candidate("P1", 1.0, {}), _Candidate("P2", 0.0, {})],
                  np.array([2.0, 1.0]))
    linked = two.decision(0.5)
    assert (linked.entity_id, linked.score) == ("P1", 0.5)
    assert linked.evidence["nil_probability"] == 0.25
    assert linked.evidence["alternatives"] == [{"entity_id": "P2", "score": 0.25}]
    weak = Weighed("person", None, [_Candidate("P1", -1.7, {})], np.array([0.3]))
    nil = weak.decision(0.5)
    assert (nil.entity_id, nil.score, nil.evidence["best"]) == (None, 0.230769, "P1")


def test_odds_stay_finite_under_a_tiny_prior():
    sure = Weighed("person", None, [_Candidate("P1", 1000.0, {})], np.array([2.0 ** 200]))
    decided = sure.decision(1e-9)
    assert decided.entity_id == "P1" and decided.score == 1.0
    none = Weighed("person").decision(0.5)
    assert (none.entity_id, none.score, none.evidence) == (None, 0.0, {
        "nil": "no candidate", "candidates": 0})


def test_language_of():
    assert language_of("当事人王建国") == "zh"
    assert language_of("Zhang Wei of Hunan Xingcheng Co., Ltd.") == "en"


def test_places_become_addresses_the_standardisers_read():
    from linking.text.places import english_place, native_place

    assert english_place("residing in Xinning County, Shaoyang, Hunan, tel.") == "邵阳市新宁县"
    assert english_place("a resident of Shuangqing District born in 1990") == "邵阳市双清区"
    assert english_place("residing in Atlantis County") is None
    assert native_place("，2004年出生，大祥区人") == "大祥区"
    text = "被告李军，男，邵阳市大祥区人。"
    person = Mention(2, 4, "李军", "person")
    describe(text, [person])
    assert person.fields == {"sex": "M", "address": "邵阳市大祥区"}
