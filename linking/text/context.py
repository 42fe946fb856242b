"""What a document says about each person or company it names.

Official Chinese documents describe a party right after its name, up to the next party or the
end of the sentence: "当事人王建国，男，1980年1月1日出生，身份证号……，住址：……。". English
text does the same ("Zhang Jianguo, 45, born in 1979, ..."). Each person or organisation
mention collects, from that stretch, the record fields a resolver compares (id_number,
credit_code, phone, sex, birth_date, address) and, when only a year or an age is given, its
birth year; a person named after 法定代表人 (or "legal representative") becomes the
``legal_rep_name`` of the nearest company of the sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from linking.text.gazetteer import CREDIT_CODE, ID_NUMBER, ORGANIZATION, PERSON, PHONE
from linking.text.places import english_place, native_place

# a full stop ends a sentence, but not after an abbreviation ("ID card No. 4301...")
SENTENCE_END = re.compile(r"[。！？!?；;\n]|(?<!No)(?<!no)(?<!Co)(?<!Ltd)(?<!Inc)(?<!Tel)(?<!tel)"
                          r"(?<!Mr)(?<!Ms)(?<!Dr)\.(?=\s|$)")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
BIRTH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:出生|生)"
                        r"|born\s+(?:on\s+)?(\d{4})-(\d{2})-(\d{2})", re.I)
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_MONTH = "(" + "|".join(m.capitalize() for m in MONTHS) + r")"
ENGLISH_BIRTH_DATE = re.compile(rf"born\s+(?:on\s+)?(?:{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})"
                                rf"|(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}}))", re.I)
BIRTH_YEAR = re.compile(r"(\d{4})\s*年\s*(?:出生|生)|born\s+in\s+(\d{4})", re.I)
AGE = re.compile(r"(\d{1,3})\s*(?:岁|周岁)|aged\s+(\d{1,3})|,\s*(\d{2})\s*,", re.I)
SEX = re.compile(r"(?:^|[，,（(\s])(男|女|male|female)(?=[，,）)。\s;；]|$)", re.I)
ADDRESS = re.compile(r"(?:住址|住所|地址|家住|户籍地|住)\s*[：:]?\s*([^，。；;,\n]{4,60})")
# who a Chinese document names as a person: parties, roles and officers
PERSON_CUES = (
    "当事人", "法定代表人", "负责人", "经营者", "投资人", "股东", "董事长", "副董事长", "执行董事",
    "董事", "监事", "总经理", "副总经理", "经理", "财务负责人", "原告", "被告", "第三人",
    "上诉人", "被上诉人", "申请人", "被申请人", "被执行人", "申请执行人", "委托代理人",
    "代理人", "投诉人", "举报人", "受让方", "转让方", "出让人", "受让人", "联系人", "实际控制人",
    "证人", "被告人", "被害人", "受害人", "犯罪嫌疑人", "嫌疑人", "被处罚人", "法人代表", "户主")
_CUES_LONGEST_FIRST = sorted(PERSON_CUES, key=len, reverse=True)
LEGAL_REP_CUES = ("法定代表人", "负责人", "legal representative")
SEXES = {"男": "M", "女": "F", "male": "M", "female": "F"}
YEAR_SPAN = (1900, 2100)


@dataclass
class Mention:
    """A mention found in a document: its span, type, and what the text says about it."""

    start: int
    end: int
    text: str
    type: str
    fields: dict[str, str] = field(default_factory=dict)
    birth_year: int | None = None
    role: str | None = None
    abbreviates: int | None = None  # the mention whose abbreviation the text defined this as


def describe(text: str, mentions: list[Mention]) -> None:
    """Fill each person's and organisation's ``fields``, ``birth_year`` and ``role`` from
    the text that follows it, pooled over the mentions of one name (in place)."""
    parties = [m for m in mentions if m.type in (PERSON, ORGANIZATION)]
    year = document_year(text)
    by_start = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in by_start]
    for k, mention in enumerate(parties):
        end = _stretch_end(text, mention.end, parties[k + 1].start if k + 1 < len(parties)
                           else len(text))
        stretch = text[mention.end:end]
        _identifiers(mention, by_start[bisect_left(starts, mention.end):
                                       bisect_left(starts, end)])
        if mention.type == PERSON:
            _person_facts(mention, stretch, year)
        address = ADDRESS.search(stretch)
        place = address.group(1).strip() if address else None
        if place is None and mention.type == PERSON:
            place = native_place(stretch) or english_place(stretch)
        if place:
            mention.fields["address"] = place
        mention.role = _role_before(text, mention.start)
    _legal_representatives(text, parties)
    _pool_by_name(parties)


def _pool_by_name(parties: list[Mention]) -> None:
    """One name, one party per document: a document introduces a party once ("被告李军，
    男，1951年5月5日生") and then names it bare, so every mention of a name gets all that the
    document says under that name (the first value of each field)."""
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m in parties:
        groups.setdefault((m.type, _name_key(m.text)), []).append(m)
    for group in groups.values():
        fields: dict[str, str] = {}
        for m in group:
            fields = {**m.fields, **fields}
        year = next((m.birth_year for m in group if m.birth_year), None)
        for m in group:
            m.fields, m.birth_year = dict(fields), year


def _name_key(text: str) -> str:
    """A name as pooled: its words case-folded, without hyphens, in any order ("HUANG
    Fang" is "Fang Huang"), Chinese without whitespace."""
    words = [w.replace("-", "") for w in text.casefold().split()]
    return " ".join(sorted(words)) if re.search("[a-z]", text.casefold()) else "".join(words)


def document_year(text: str) -> int | None:
    """The latest year of a full date in the text (the document's own date, usually)."""
    years = [int(m.group(1)) for m in DATE.finditer(text)
             if YEAR_SPAN[0] <= int(m.group(1)) <= YEAR_SPAN[1]]
    years += [int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", text) if not years]
    return max(years) if years else None


def _stretch_end(text: str, start: int, next_party: int) -> int:
    stop = SENTENCE_END.search(text, start, next_party)
    return stop.start() if stop else next_party


def _identifiers(mention: Mention, following: list[Mention]) -> None:
    """The identifiers among the mentions of a party's stretch become its fields."""
    wanted = {PERSON: (ID_NUMBER, PHONE), ORGANIZATION: (CREDIT_CODE, PHONE)}[mention.type]
    for other in following:
        if other.type in wanted:
            mention.fields.setdefault(other.type, other.text)


def _person_facts(mention: Mention, stretch: str, year: int | None) -> None:
    sex = SEX.search(stretch)
    if sex:
        mention.fields["sex"] = SEXES[sex.group(1).lower()]
    born = BIRTH_DATE.search(stretch)
    if born:
        y, m, d = (int(g) for g in born.groups() if g is not None)
        mention.fields["birth_date"] = f"{y:04d}-{m:02d}-{d:02d}"
        mention.birth_year = y
        return
    english = ENGLISH_BIRTH_DATE.search(stretch)
    if english:
        month, day, year, day2, month2, year2 = english.groups()
        y, m = int(year or year2), MONTHS.index((month or month2).lower()) + 1
        mention.fields["birth_date"] = f"{y:04d}-{m:02d}-{int(day or day2):02d}"
        mention.birth_year = y
        return
    born_in = BIRTH_YEAR.search(stretch)
    if born_in:
        mention.birth_year = int(next(g for g in born_in.groups() if g))
        return
    age = AGE.search(stretch)
    if age and year:
        mention.birth_year = year - int(next(g for g in age.groups() if g))


def _role_before(text: str, start: int) -> str | None:
    """The role or party word that ends right before a mention (a colon may follow it)."""
    before = text[max(0, start - 24):start].rstrip(" ：:　")
    for cue in _CUES_LONGEST_FIRST:
        if before.endswith(cue):
            return cue
    return None


def _legal_representatives(text: str, parties: list[Mention]) -> None:
    """A person introduced as legal representative is that of the company named nearest
    before it in the sentence, failing one next after it in the sentence, failing that the
    company last named before it (a decision's party, on the line above)."""
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    for k, person in enumerate(parties):
        if person.type != PERSON or not _is_legal_rep(text, person):
            continue
        company = _nearest_company(text, parties, k, ends)
        if company is not None:
            company.fields.setdefault("legal_rep_name", person.text)


def _is_legal_rep(text: str, person: Mention) -> bool:
    if person.role in LEGAL_REP_CUES:
        return True
    after = text[person.end:person.end + 40].lower()
    return after.lstrip(" ,，").startswith(("legal representative", "法定代表人"))


def _nearest_company(text: str, parties: list[Mention], k: int, ends: list[int]
                     ) -> Mention | None:
    """``ends``: where the text's sentence ends are (each just after its mark)."""
    person = parties[k]
    at = bisect_right(ends, person.start)
    sentence_start = ends[at - 1] if at else 0
    sentence_end = ends[at] - 1 if at < len(ends) else len(text)
    before = next((m for m in reversed(parties[:k]) if m.type == ORGANIZATION), None)
    if before is not None and before.start >= sentence_start:
        return before
    after = next((m for m in parties[k + 1:] if m.type == ORGANIZATION
                  and m.start < sentence_end), None)
    return after or before
