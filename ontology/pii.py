"""Masking of personal data, by the ontology's ``kgm:pii`` marks and by a detector.

Two rules, applied together wherever data leaves kglink masked (``--mask-pii``):

- a value of a marked property (``ontology.schema.pii_properties``) is masked by its category,
  element by element in list properties;
- every other string (record keys, node ids, names, evidence JSON, free text) goes through a
  detector that masks anything looking like a PRC resident ID number (18 characters, or a
  15-digit legacy number with a valid date), a mainland mobile (``1[3-9]`` and 9 digits, also
  written ``+86 138-0013-8000``) or an e-mail address, so a new field cannot leak.

Pure functions on plain values (no graph, no database): ``graph.export.mask`` applies them to
networkx subgraphs, ``graph.rdf_io`` to a streamed RDF export, ``queries.formatting`` to query
results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ontology.schema import masked_keys, pii_properties

MASK = "*"

_ID18 = r"\d{17}[\dXx]"
_ID15 = r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
_MOBILE = r"(?:(?:\+|00)?86[\s-]*)?1[3-9]\d(?:[\s-]?\d){8}"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
DETECTOR = re.compile(rf"(?<![\d])(?:(?P<id>{_ID18}|{_ID15})|(?P<mobile>{_MOBILE}))(?![\d])"
                      rf"|(?P<email>{_EMAIL})")


def keep_ends(text: str, head: int = 3, tail: int = 2) -> str:
    """``330106198001011234`` -> ``330*************34``; short values are masked whole."""
    if len(text) <= head + tail:
        return MASK * len(text)
    return text[:head] + MASK * (len(text) - head - tail) + text[-tail:]


def mask_phone(text: str) -> str:
    """A phone as its digits with all but the first 3 and last 2 masked (``138******00``)."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith(("0086", "86")) and len(digits) > 11:
        digits = digits[-11:]
    return keep_ends(digits or text)


def mask_email(text: str) -> str:
    """``zhang.san@example.com`` -> ``z***@example.com``."""
    user, _, domain = text.partition("@")
    return (user[:1] + MASK * 3 + "@" + domain) if domain else keep_ends(text)


def mask_address(text: str) -> str:
    """The first 6 characters (province and city) kept, the rest masked."""
    return text[:6] + MASK * 4 if len(text) > 6 else MASK * len(text)


def mask_birth_date(text: str) -> str:
    """``1980-05-17`` -> ``1980-**-**``: the year is kept."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text[:5] + MASK * 2 + "-" + MASK * 2
    return text[:4] + MASK * max(0, len(text) - 4)


_BY_CATEGORY: dict[str, Callable[[str], str]] = {
    "identifier": keep_ends, "phone": mask_phone, "email": mask_email,
    "address": mask_address, "birth_date": mask_birth_date}


def _text(value: Any) -> str:
    if hasattr(value, "iso_format"):  # neo4j temporals
        return value.iso_format()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def mask_category(value: Any, category: str) -> Any:
    """A value of a property marked ``category`` masked (lists element by element)."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [mask_category(v, category) for v in value]
    if isinstance(value, dict):
        return {k: mask_category(v, category) for k, v in value.items()}
    return _BY_CATEGORY[category](_text(value))


def _detected(match: re.Match[str]) -> str:
    if match.group("id"):
        return keep_ends(match.group("id"))
    if match.group("mobile"):
        return mask_phone(match.group("mobile"))
    return mask_email(match.group("email"))


def scrub_text(text: str) -> str:
    """Any string with detected ID numbers, mobiles and e-mails masked; JSON text (evidence)
    is masked structurally, so marked keys inside it are masked by category too."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            return json.dumps(mask_value(data), ensure_ascii=False, separators=(",", ":"))
    return _detect(text)


_HALF_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－", "0123456789Xx+-")


def half_width(text: str) -> str:
    """Full-width digits, X, + and - as their ASCII forms, one character for one (so the
    spans of a match in the result are spans of ``text``)."""
    return text.translate(_HALF_WIDTH)


def _detect(text: str) -> str:
    """``DETECTOR`` matches masked; full-width digits (１３８…) are matched as digits."""
    probe = half_width(text)
    out, end = [], 0
    for match in DETECTOR.finditer(probe):
        out += [text[end:match.start()], _detected(match)]
        end = match.end()
    return "".join(out) + text[end:] if out else text


def mask_value(value: Any, key: str | None = None) -> Any:
    """``value`` (a scalar, list or map) with personal data masked: by category when ``key``
    is a marked property, else by the detector in every string and whole integer."""
    category = pii_properties().get(key) if key is not None else None
    if category is not None:
        return mask_category(value, category)
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {scrub_text(str(k)): mask_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v, key) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        masked = scrub_text(text)
        return value if masked == text else masked
    return value


def mask_properties(props: Mapping[str, Any], rename: bool = False) -> dict[str, Any]:
    """A property map with personal data masked (``mask_value`` per key). With ``rename``, a
    changed value of a key with a masked twin (``kgm:maskedAs``) moves to the twin key, so
    masked RDF does not break the original property's SHACL shape."""
    twins = masked_keys() if rename else {}
    out: dict[str, Any] = {}
    for key, value in props.items():
        masked = mask_value(value, key)
        out[twins[key] if key in twins and masked != value else key] = masked
    return out
