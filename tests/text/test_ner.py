"""The shipped trained NER (linking.text.ner) in the text pipelines: it adds the persons and
companies the rules miss, and never overrides a span the rules found. A tiny gazetteer made
from records (no graph needed): 张伟 and 湖南星城科技有限公司."""

from __future__ import annotations

import pytest

from linking.prepare import prepare
from linking.resolver import standardised
from linking.text.gazetteer import Gazetteer
from linking.text.ner import MODELS, TRAINED_NER, TrainedNer, add_trained_ner, model_path
from linking.text.pipeline import build

RECORDS = {"person": [{"department": "A", "record_id": "1", "name": "张伟"}],
           "organization": [{"department": "A", "record_id": "2", "name": "湖南星城科技有限公司"}]}
ZH_TEXT = "湖南星城科技有限公司法定代表人张伟表示，市民冯澧波告诉记者，企业发展带动了周边就业。"
EN_TEXT = ('Changsha Tianxin Boya Engineering Company Limited (hereinafter "Tianxin Boya") '
           "sold food. An inspection found that Tianxin Boya sold food past its date.")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    frames = {}
    for kind, records in RECORDS.items():
        frame = prepare(standardised(records, kind), kind)
        frame["entity_id"] = [f"{kind}-{i}" for i in range(len(frame))]
        frames[kind] = frame
    return Gazetteer.of(frames)


def _ents(doc) -> list[tuple[int, int, str, str]]:
    return [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]


def test_models_ship_for_both_languages() -> None:
    assert model_path("zh") == MODELS / "zh"
    assert model_path("en") == MODELS / "en"
    assert model_path("fr") is None
    sizes = [sum(f.stat().st_size for f in (MODELS / lang).rglob("*") if f.is_file())
             for lang in ("zh", "en")]
    assert all(size < 5_000_000 for size in sizes)


def test_pipelines_end_with_the_trained_ner(gazetteer) -> None:
    assert build("zh", gazetteer).pipe_names == [
        "kglink_forced_spans", "entity_ruler", "kglink_cued_persons", "kglink_abbreviations",
        TRAINED_NER]
    assert build("en", gazetteer).pipe_names == [
        "kglink_forced_spans", "kglink_romanised", TRAINED_NER]


def test_language_without_a_model_gets_no_ner() -> None:
    import spacy

    nlp = spacy.blank("fr")
    add_trained_ner(nlp, "fr")
    assert nlp.pipe_names == []


def test_chinese_person_the_rules_miss_is_added(gazetteer) -> None:
    nlp = build("zh", gazetteer)
    rules_only = [(0, 10, "湖南星城科技有限公司", "organization"), (15, 17, "张伟", "person")]
    with nlp.select_pipes(disable=[TRAINED_NER]):
        assert _ents(nlp(ZH_TEXT)) == rules_only
    assert _ents(nlp(ZH_TEXT)) == [*rules_only, (22, 25, "冯澧波", "person")]


def test_english_shortened_company_the_rules_miss_is_added(gazetteer) -> None:
    nlp = build("en", gazetteer)
    full = (0, 49, "Changsha Tianxin Boya Engineering Company Limited", "organization")
    with nlp.select_pipes(disable=[TRAINED_NER]):
        assert _ents(nlp(EN_TEXT)) == [full]
    assert _ents(nlp(EN_TEXT)) == [full, (64, 76, "Tianxin Boya", "organization"),
                                   (115, 127, "Tianxin Boya", "organization")]


def test_a_rule_span_is_never_overridden(gazetteer) -> None:
    from spacy.tokens import Span

    nlp = build("zh", gazetteer)
    doc = nlp.make_doc(ZH_TEXT)
    found = doc.char_span(22, 25, label="organization")  # what a rule would have said
    doc.ents = [Span(doc, found.start, found.end, label="organization")]
    doc = TrainedNer(nlp, MODELS / "zh")(doc)
    assert (22, 25, "冯澧波", "organization") in _ents(doc)
    assert not [e for e in _ents(doc) if e[3] == "person" and e[0] < 25 and e[1] > 22]
