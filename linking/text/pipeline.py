"""spaCy pipelines that find entity mentions, built offline from the graph's own names.

Chinese: a blank ``zh`` pipeline segmented by jieba, whose dictionary learns every alias of
the graph (so a name is one token), an entity ruler whose phrase patterns are those aliases,
and a component for persons the graph does not know, named after a role or party word
(当事人, 法定代表人, 被告, ...) with a surname the graph's names use. English: a blank ``en``
pipeline and a component that reads runs of capitalised words as romanised persons and
companies, keyed by their letters against the graph's pinyin. Both tokenizers keep every
identifier (ID number, credit code, phone; ``linking.text.identifiers``) one token, which a
component labels. Last, where a language ships one, an NER trained on generated documents
adds the persons and companies the rules missed (``linking.text.ner``). No model is
downloaded: everything comes from the graph, these rules and the shipped models.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from linking.text.aliases import letters_key
from linking.text.context import PERSON_CUES
from linking.text.gazetteer import ORGANIZATION, PERSON, Gazetteer
from linking.text.ner import add_trained_ner
from linking.text.spans import forced_spans
from loaders.standardise.chinese import is_han

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

LANGUAGES = ("zh", "en")
ALIAS_FREQUENCY = 10**7  # above any jieba dictionary word: a graph alias stays one token
MAX_NAME_CHARS = 4
EN_LEGAL_FORMS = ("co", "ltd", "company", "limited", "liability", "corporation", "corp",
                  "inc", "group", "llc", "plc", "partnership", "shares")


def build(lang: str, gazetteer: Gazetteer) -> Language:
    """The mention-finding pipeline for ``lang`` (``zh`` or ``en``) over a gazetteer."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    import spacy

    _register_components()
    if lang == "zh":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        _teach_jieba(gazetteer)
    else:
        nlp = spacy.blank("en")
    nlp.tokenizer = SpanTokenizer(nlp.tokenizer, lang)
    nlp.add_pipe("kglink_forced_spans")
    if lang == "zh":
        ruler = nlp.add_pipe("entity_ruler")
        with nlp.select_pipes(enable=[]):
            ruler.add_patterns([{"label": kind, "pattern": alias}
                                for kind, forms in gazetteer.alias_forms().items()
                                for alias in forms])
        nlp.add_pipe("kglink_cued_persons").gazetteer = gazetteer
        nlp.add_pipe("kglink_abbreviations")
    else:
        nlp.add_pipe("kglink_romanised").gazetteer = gazetteer
    add_trained_ner(nlp, lang)
    return nlp


def _teach_jieba(gazetteer: Gazetteer) -> None:
    import jieba

    jieba.setLogLevel(60)
    for cue in PERSON_CUES:
        jieba.add_word(cue, ALIAS_FREQUENCY)
    for forms in gazetteer.alias_forms().values():
        for alias in forms:
            jieba.add_word(alias, ALIAS_FREQUENCY)


class SpanTokenizer:
    """The language's tokenizer, keeping every span of ``linking.text.spans.forced_spans``
    one token (``doc.user_data`` records those spans and the abbreviations the text
    defines)."""

    def __init__(self, inner, lang: str) -> None:
        self.inner, self.lang = inner, lang

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        spans, defined = forced_spans(text, self.lang)
        words: list[str] = []
        spaces: list[bool] = []
        at = 0
        for start, end, _ in spans:
            self._add(text[at:start], words, spaces)
            words.append(text[start:end])
            spaces.append(text[end:end + 1] == " ")
            at = end + (1 if spaces[-1] else 0)
        self._add(text[at:], words, spaces)
        doc = Doc(self.inner.vocab, words=words, spaces=spaces)
        doc.user_data["kglink_spans"] = spans
        doc.user_data["kglink_abbreviations"] = defined
        return doc

    def _add(self, piece: str, words: list[str], spaces: list[bool]) -> None:
        if not piece:
            return
        if piece.startswith(" ") and words and not spaces[-1]:
            spaces[-1], piece = True, piece[1:]
        for token in self.inner(piece):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))


def _add_ents(doc: Doc, spans: list) -> None:
    """Add spans to doc.ents where they overlap nothing already found."""
    from spacy.util import filter_spans

    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    new = [s for s in filter_spans(spans) if not taken & set(range(s.start, s.end))]
    doc.ents = sorted([*doc.ents, *new], key=lambda s: s.start)


class ForcedSpans:
    """The first entities: the tokens the tokenizer kept whole (identifiers, organisations
    by their legal form, defined abbreviations); later components add around them."""

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = [doc.char_span(start, end, label=label)
                    for start, end, label in doc.user_data.get("kglink_spans", [])]
        return doc


class Abbreviations:
    """Every use of an abbreviation the text defines (``spans.abbreviations``) is an
    organisation, over any shorter entity inside it, where it falls on token bounds."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for short in doc.user_data.get("kglink_abbreviations", {}):
            for m in re.finditer(re.escape(short), doc.text):
                span = doc.char_span(m.start(), m.end(), label=ORGANIZATION)
                if span is not None:
                    spans.append(span)
        inside = [e for e in doc.ents if any(s.start <= e.start and e.end <= s.end
                                             for s in spans)]
        doc.ents = [e for e in doc.ents if e not in inside]
        _add_ents(doc, spans)
        return doc


class CuedPersons:
    """Chinese persons the graph may not know, written as official documents introduce a
    party: right after a role or party word (法定代表人：, 被告, ...), or at the start of a
    line or clause and followed by the sex or an ID number ("冯军，男，", "凌磊（身份证号").
    A name is one token of two to four Han characters, or a one-character surname token and
    the token after it; an ordinary word of the segmenter's dictionary is no name."""

    gazetteer: Gazetteer

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        _split_name_and_verb(doc, self.gazetteer.surnames)
        words = _dictionary_words()
        spans = []
        for i, token in enumerate(doc):
            if token.text in PERSON_CUES:
                j = _after_cue(doc, i)
                end = _name_end(doc, j, words, self.gazetteer.surnames, cued=True)
            elif i == 0 or doc[i - 1].text in _CLAUSE_STARTS or doc[i - 1].is_space:
                j, end = i, _name_end(doc, i, words, self.gazetteer.surnames)
                end = end if end is not None and _described_after(doc, end) else None
            else:
                continue
            if end is not None:
                spans.append(Span(doc, j, end, label=PERSON))
        _add_ents(doc, spans)
        return doc


def _after_cue(doc: Doc, i: int) -> int:
    """The token after cue ``i`` and any colon or space."""
    j = i + 1
    while j < len(doc) and doc[j].text in _COLONS:
        j += 1
    return j


def _split_name_and_verb(doc: Doc, surnames: frozenset[str]) -> None:
    """Split a three-character token after a cue that is a two-character name and a word
    that follows names in court text (施强诉你, "施强 sues you": the segmenter joins them)."""
    joined = [doc[j] for i, t in enumerate(doc) if t.text in PERSON_CUES
              and (j := _after_cue(doc, i)) < len(doc) and len(doc[j].text) == 3
              and doc[j].text[-1] in _AFTER_NAMES and doc[j].text[0] in surnames]
    with doc.retokenize() as retokenizer:
        for token in joined:
            retokenizer.split(token, [token.text[:2], token.text[2]],
                              heads=[(token, 0), (token, 0)])


_COLONS = ("：", ":", " ", "　")
_CLAUSE_STARTS = ("\n", "。", "；", ";", "：", ":", "，", ",", "、")
_SEX_WORDS = ("男", "女")
COMPOUND_SURNAMES = frozenset((  # the segmenter reads them as words (欧阳 | 春花)
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台",
    "申屠", "太史", "钟离", "闻人", "万俟", "司空", "濮阳", "淳于", "单于", "赫连", "第五"))
_AFTER_NAMES = ("诉", "等", "系", "称", "的", "于", "与", "及")


def _dictionary_words() -> dict[str, int]:
    import jieba

    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def _is_word(text: str, words: dict[str, int]) -> bool:
    """An ordinary dictionary word (not a name the graph taught the segmenter)."""
    return 0 < words.get(text, 0) < ALIAS_FREQUENCY


def _name_end(doc: Doc, start: int, words: dict[str, int], surnames: frozenset[str],
              cued: bool = False) -> int | None:
    """Where a person's name beginning at token ``start`` ends, or None (class docstring).
    After a cue, a whole token that is no dictionary word is a name even when the graph
    knows no one of its surname."""
    if start >= len(doc) or not _is_han(doc[start].text):
        return None
    first = doc[start].text
    if first in COMPOUND_SURNAMES and start + 1 < len(doc) and _is_han(doc[start + 1].text) \
            and len(doc[start + 1].text) <= 2:
        return start + 2
    if first[0] not in surnames and not (cued and len(first) >= 2 and _ends_clause(doc, start)):
        return None
    if 2 <= len(first) <= MAX_NAME_CHARS:
        return None if _is_word(first, words) else start + 1
    if len(first) == 1 and start + 1 < len(doc) and _is_han(doc[start + 1].text) \
            and len(doc[start + 1].text) <= 2 and doc[start + 1].text not in _SEX_WORDS:
        joined = first + doc[start + 1].text
        return None if _is_word(joined, words) else start + 2
    return None


def _ends_clause(doc: Doc, token: int) -> bool:
    """Whether punctuation or a space follows a token (the name stands alone)."""
    return token + 1 >= len(doc) or doc[token + 1].is_punct or doc[token + 1].is_space \
        or _described_after(doc, token + 1)


def _described_after(doc: Doc, end: int) -> bool:
    """Whether the tokens after a name give its sex or an ID number, as party lists do."""
    after = "".join(t.text for t in doc[end:end + 3]).lstrip("，,（( ")
    return after.startswith(_SEX_WORDS + ("身份证", "公民身份"))


def _is_han(text: str) -> bool:
    return bool(text) and all(map(is_han, text))


class Romanised:
    """English runs of capitalised words: a company when the run ends in a legal form
    ("Co., Ltd.", "Company Limited by Shares"; the run may then hold "and" or "&") or
    holds a graph company's romanised core; a person when its letters are a graph person's
    romanised name, or two or three pinyin syllable words led or ended by a surname the
    graph uses."""

    gazetteer: Gazetteer

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        spans = []
        for start, end, legal in _english_runs(doc, self._crosses):
            words = [letters for t in doc[start:end] if (letters := letters_key(t.text))]
            if legal:
                spans.append(Span(doc, start, end, label=ORGANIZATION))
            elif self._org_core(words):  # a shortened name: "Xingye Dingsheng Culture and Media"
                spans.append(Span(doc, start, _across_connectors(doc, end), label=ORGANIZATION))
            elif self._person(words):
                spans.append(Span(doc, start, end, label=PERSON))
        _add_ents(doc, spans)
        return doc

    def _org_core(self, words: list[str]) -> bool:
        """Whether the words hold a graph company's romanised alias."""
        known = self.gazetteer.romanised.get(ORGANIZATION, {})
        return any("".join(words[i:j]) in known
                   for i in range(len(words)) for j in range(i + 1, min(i + 4, len(words) + 1)))

    def _crosses(self, doc: Doc, start: int, at: int, end: int) -> bool:
        """Whether a company name goes on across the break at token ``at``: a legal form
        follows it, or the words on both sides make a graph company's romanised alias."""
        if _is_legal(doc[at + 1]):
            return True
        before = [w for t in doc[max(start, at - 3):at] if (w := letters_key(t.text))]
        after = [w for t in doc[at + 1:min(end, at + 4)] if (w := letters_key(t.text))]
        known = self.gazetteer.romanised.get(ORGANIZATION, {})
        return any("".join(before[i:] + after[:j]) in known
                   for i in range(len(before)) for j in range(1, len(after) + 1))

    def _person(self, words: list[str]) -> bool:
        if not 2 <= len(words) <= 3:
            return False
        if "".join(words) in self.gazetteer.romanised.get(PERSON, {}):
            return True
        syllables = self.gazetteer.syllables
        return (words[0] in self.gazetteer.surname_syllables
                or words[-1] in self.gazetteer.surname_syllables) and all(
            _is_pinyin(w, syllables) for w in words)


EN_CONNECTORS = ("and", "&")


def is_bare_legal_form(text: str) -> bool:
    """Whether an English text is legal-form words only ("Co., Ltd."): no company name."""
    words = re.findall(r"[A-Za-z]+", text)
    return bool(words) and all(w.lower() in EN_LEGAL_FORMS + EN_CONNECTORS for w in words)


def _is_legal(token) -> bool:
    return token.lower_.strip(".") in EN_LEGAL_FORMS


def _english_runs(doc: Doc, crosses: Callable[[Doc, int, int, int], bool]
                  ) -> list[tuple[int, int, bool]]:
    """(start, end, ends in a legal form) of the runs of capitalised words: a run joins the
    next one across a connector or a comma when the joined run ends in a legal form, and
    continues across a line break when it then ends in one and ``crosses(doc, start, at,
    end)`` says the name goes on across the break at token ``at`` ("Changde Lushan
    \nRuixiang Investment Co., Ltd."; a title line before a name is no part of it)."""
    wide = [run for run in _joined_runs(doc, _capitalised_runs(doc, across_breaks=True))
            if run[2] and (breaks := [i for i in range(*run[:2]) if doc[i].is_space])
            and all(crosses(doc, run[0], at, run[1]) for at in breaks)]
    taken = {i for start, end, _ in wide for i in range(start, end)}
    return sorted(wide + [run for run in _joined_runs(doc, _capitalised_runs(doc))
                          if not taken.intersection(range(run[0], run[1]))])


def _joined_runs(doc: Doc, base: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """The runs joined across connectors where the joined run ends in a legal form."""
    out, k = [], 0
    while k < len(base):
        start, end = base[k]
        j, joined_end = k, end
        while j + 1 < len(base) and _joinable(doc, joined_end, base[j + 1][0]):
            j += 1
            joined_end = base[j][1]
            if _is_legal(doc[joined_end - 1]):
                k, end = j, joined_end
        legal = _is_legal(doc[end - 1]) and not all(_is_legal(t) for t in doc[start:end])
        out.append((start, end, legal))
        k += 1
    return out


def _across_connectors(doc: Doc, end: int) -> int:
    """The end of a run continued across "and" / "&" by capitalised words."""
    while end + 1 < len(doc) and doc[end].lower_ in EN_CONNECTORS and doc[end + 1].is_title:
        end += 2
        while end < len(doc) and doc[end].is_title:
            end += 1
    return end


def _joinable(doc: Doc, end: int, next_start: int) -> bool:
    """Whether one connector word or a comma (before a legal form) lies between two runs;
    "and" after a legal form begins another name."""
    between = [t for t in doc[end:next_start] if not t.is_space]
    if len(between) != 1:
        return False
    between, after = between[0], doc[next_start]
    return ((between.lower_ in EN_CONNECTORS and not _is_legal(doc[end - 1]))
            or (between.lower_ == "by" and after.lower_ == "shares")
            or (between.text == "," and _is_legal(after)))


def _capitalised_runs(doc: Doc, across_breaks: bool = False) -> list[tuple[int, int]]:
    """Token ranges of consecutive capitalised words (a hyphen and a lower-case word may
    continue one: "Jian-guo"; "Co." and "Ltd." count as words; so may a doubled space,
    and with ``across_breaks`` any whitespace but after a legal form, which ends a name)."""
    runs, start, i = [], None, 0
    while i < len(doc):
        token = doc[i]
        if (token.is_alpha or _is_legal(token)) and token.text[:1].isupper():
            start = i if start is None else start
            i += 1
            if i + 1 < len(doc) and doc[i].is_space and doc[i + 1].text[:1].isupper() \
                    and (doc[i].text.strip(" ") == "" or across_breaks and not _is_legal(token)):
                i += 1  # "Hu  Min": a doubled space inside a name
            while (i + 1 < len(doc) and doc[i].text == "-" and not doc[i - 1].whitespace_
                   and doc[i + 1].is_alpha and not doc[i].whitespace_):
                i += 2
            continue
        if start is not None:
            runs.append((start, i))
            start = None
        i += 1
    if start is not None:
        runs.append((start, len(doc)))
    return runs


def _is_pinyin(word: str, syllables: frozenset[str]) -> bool:
    """Whether a word splits into pinyin syllables the graph's names use."""
    ok = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        ok[end] = any(ok[s] and word[s:end] in syllables for s in range(max(0, end - 6), end))
    return ok[-1]


def _register_components() -> None:
    from spacy.language import Language

    for name, component in (("kglink_forced_spans", ForcedSpans),
                            ("kglink_abbreviations", Abbreviations),
                            ("kglink_cued_persons", CuedPersons),
                            ("kglink_romanised", Romanised)):
        if not Language.has_factory(name):
            Language.factory(name, func=lambda nlp, name, _c=component: _c())
