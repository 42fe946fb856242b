"""Spans found in the plain text before tokenising, which the tokenizer keeps whole.

- Identifiers (``identifier_spans``): ID numbers, credit codes, phones.
- Chinese organisations by their legal form (``organisation_spans``): a registered name is
  region + trade name + industry + legal form, so a run of Han characters ending in a legal
  form (有限公司, 股份有限公司, 合作社, ...) is an organisation whether or not the graph knows
  it. It starts at its first region word, after any party word or particle that introduces it
  (原告, 位于…的, 与, 诉, ...).
- Abbreviations (``abbreviations``): "湖南星城智远科技有限公司（以下简称“星城智远”）" makes
  every 星城智远 of the text a mention of that company, and so does naming it in full once
  (news writes 星城智远公司 in its headline); the pipeline's abbreviation component labels
  them.

``squeeze`` first removes the stray whitespace scanning leaves inside Chinese names and
numbers ("王 建国", "1860325 5151"), keeping a map back to the original offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from linking.text import identifiers as ids
from linking.text.aliases import org_aliases, region_pattern
from linking.text.context import PERSON_CUES
from linking.text.gazetteer import CREDIT_CODE, ID_NUMBER, ORGANIZATION, PHONE
from loaders.standardise.names import LEGAL_FORMS

_SQUEEZABLE = re.compile(r"(?<=[\u3400-\u9fff])(?:\r\n|[ \t\u3000\r\n])(?=[\u3400-\u9fff])"
                         r"|(?<=[0-9])(?:\r\n|[ \t\u3000\r\n])(?=[0-9Xx])")
_BROKEN_NUMBER = re.compile(r"(?<=\d)[ \n](?=\d{6,}[\dXx]?\b)")
_BROKEN_WORD = re.compile(r"\b([A-Z][A-Za-z]*)[ \n](?=([a-z]+)\b)")
_BROKEN_IDENTIFIER = re.compile(r"(?<![0-9A-Za-z])([0-9A-Z]{1,17})[ \n]([0-9A-Z]{1,17})"
                                r"(?![0-9A-Za-z])")
_HAN_RUN = re.compile(r"[\u3400-\u9fff（）()]+$")
_PARTICLES = ("位于", "的", "与", "诉", "系", "对", "向", "由", "经", "被", "将", "即", "是")
MAX_ORG_CHARS = 40
MAX_TRADE_CHARS = 12  # trade name + industry words of a name without a region word
_DEFINED = re.compile(r"[（(]\s*(?:以下简称|以下称|下称|简称)\s*[：:]?\s*[“\"「『]?"
                      r"([^”\"」』）)，,。]{2,20})[”\"」』]?\s*[）)]")


@dataclass(frozen=True)
class Squeezed:
    """Text without stray whitespace, and the original offset of each of its characters."""

    text: str
    origin: np.ndarray

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of a span of the squeezed text."""
        return int(self.origin[start]), int(self.origin[end - 1]) + 1


def squeeze(text: str, lang: str, words: frozenset[str] | set[str] = frozenset()
            ) -> Squeezed:
    """Text without the single whitespace characters scanning leaves inside a word: inside
    Han or digit runs (Chinese); (English) inside a long number, or between a capitalised
    word and a lower-case piece when the two make one of ``words`` ("Fan g", "Lo gistics",
    "Yong an" -> "Fang", "Logistics", "Yongan" when those are words of the graph's names or
    of the documents); (both) inside an ID number or credit code whose check character the
    joined value passes."""
    keep = np.ones(len(text), dtype=bool)
    if lang == "zh":
        for m in _SQUEEZABLE.finditer(text):
            keep[m.start():m.end()] = False
    else:
        for m in _BROKEN_NUMBER.finditer(text):
            keep[m.start()] = False
        for m in _BROKEN_WORD.finditer(text):
            if (m.group(1) + m.group(2)).lower() in words:
                keep[m.start(2) - 1] = False
    for m in _BROKEN_IDENTIFIER.finditer(text):
        joined = m.group(1) + m.group(2)
        if len(joined) == 18 and (ids.checks_as_credit_code(joined)
                                  or ids.checks_as_id_number(joined)):
            keep[m.end(1)] = False
    return Squeezed("".join(c for c, kept in zip(text, keep, strict=True) if kept),
                    np.flatnonzero(keep))


def identifier_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the identifiers in ``text``, not overlapping, in order; an
    18-character value is an ID number when its check digit says so or it has no letter
    but the final X, else a credit code."""
    folded = ids.nfkc_each(text)
    found: list[tuple[int, int, str]] = []
    taken = np.zeros(len(text) + 1, dtype=bool)
    for pattern, kind in ((ids.ID_NUMBER_PATTERN, ID_NUMBER),
                          (ids.CREDIT_CODE_PATTERN, CREDIT_CODE),
                          (ids.PHONE_PATTERN, PHONE)):
        for m in pattern.finditer(folded):
            if taken[m.start():m.end()].any():
                continue
            here = CREDIT_CODE if kind == ID_NUMBER and _looks_like_credit_code(m.group()) \
                else kind
            found.append((m.start(), m.end(), here))
            taken[m.start():m.end()] = True
    return sorted(found)


def _looks_like_credit_code(value: str) -> bool:
    if len(value) != 18 or ids.checks_as_id_number(value):
        return False
    return ids.checks_as_credit_code(value) or bool(re.search(r"[A-WYZa-wyz]", value[:-1]))


BARE_FORM = "公司"  # "the company" (本公司, 该公司): no legal form of a name on its own
_NOT_A_NAME_AFTER = ("法",)  # 公司法: the Company Law


@lru_cache(maxsize=1)
def _legal_form_pattern() -> re.Pattern:
    forms = sorted((f for f in LEGAL_FORMS if f.endswith(("公司", "企业", "合作社", "事务所",
                                                          "合伙)"))), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms)))


def organisation_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, "organization") of every Han run ending in a legal form (module
    docstring). A run that keeps fewer than two characters before its legal form is none,
    and so is one without a region word that keeps more than MAX_TRADE_CHARS."""
    found = []
    for m in _legal_form_pattern().finditer(text):
        if m.group() == BARE_FORM or text[m.end():m.end() + 1] in _NOT_A_NAME_AFTER:
            continue
        run = _HAN_RUN.search(text, max(0, m.start() - MAX_ORG_CHARS), m.start())
        if run is None:
            continue
        start = _introduced_at(text, run.start(), m.start())
        region = region_pattern().search(text, start, m.start())
        if region is not None and m.start() - region.start() >= 2:
            start = region.start()
        elif m.start() - start > MAX_TRADE_CHARS:
            continue
        if m.start() - start >= 2:
            found.append((start, m.end(), ORGANIZATION))
    return _without_overlaps(found)


def _introduced_at(text: str, start: int, end: int) -> int:
    """Where a name begins after the last party word or particle of text[start:end]."""
    piece = text[start:end]
    cut = 0
    for word in (*PERSON_CUES, *_PARTICLES):
        at = piece.rfind(word)
        if at >= 0 and end - (start + at + len(word)) >= 2:
            cut = max(cut, at + len(word))
    return start + cut


def abbreviations(text: str, organisations: list[tuple[int, int, str]]
                  ) -> dict[str, tuple[int, int]]:
    """Abbreviation -> (start, end) of the organisation it stands for in this text: the
    abbreviations the text defines, and the short forms (``aliases.org_aliases``) of each
    organisation it names in full that no other organisation of the text shares."""
    derived: dict[str, set[tuple[int, int]]] = {}
    names: dict[str, tuple[int, int]] = {}
    for start, end, _ in organisations:
        names.setdefault(text[start:end], (start, end))
    for name, span in names.items():
        for alias in org_aliases(name) - {name}:
            derived.setdefault(alias, set()).add(span)
    found = {alias: next(iter(spans)) for alias, spans in derived.items() if len(spans) == 1}
    for m in _DEFINED.finditer(text):
        owner = [o for o in organisations if 0 <= m.start() - o[1] <= 1]
        if owner:
            found[m.group(1).strip()] = owner[0][:2]
    return found


def forced_spans(text: str, lang: str) -> tuple[list[tuple[int, int, str]],
                                               dict[str, tuple[int, int]]]:
    """The spans the tokenizer keeps whole (identifiers, Chinese organisations), not
    overlapping; and the abbreviations the text defines."""
    spans = identifier_spans(text)
    defined: dict[str, tuple[int, int]] = {}
    if lang == "zh":
        organisations = organisation_spans(text)
        defined = abbreviations(text, organisations)
        spans += organisations
    return _without_overlaps(spans), defined


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Longer spans win over the spans they overlap (the first listed among equals); the
    kept spans in text order."""
    kept: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: s[0] - s[1]):
        cover = set(range(span[0], span[1]))
        if not cover & taken:
            kept.append(span)
            taken |= cover
    return sorted(kept)
