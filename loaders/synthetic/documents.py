"""Annotated documents about a synthetic World, for evaluating text entity linking: Chinese
行政处罚决定书, 股东变更公告, 开庭公告 / 公告送达 and 新闻, and English news and notices, with gold
mentions (offsets into the file's text) and the World entity each one means (null = NIL).

The mentions include ambiguous names (persons whose name other World persons share),
company abbreviations (湖南星城智远科技有限公司 -> 星城智远科技 / 星城智远公司 / 星城智远), persons
and companies absent from the World (NIL), and OCR-like noise. The shares, at the top of the
modules that draw them:
- document_cast: NIL_PERSON_SHARE, NIL_WORLD_NAME_SHARE, NIL_COMPANY_SHARE,
  AMBIGUOUS_PICK_SHARE;
- document_templates: PERSON_CONTEXT_SHARE, ABBREVIATION_SHARE;
- document_noise (scaled by `noise`): NOISY_DOCUMENT_SHARE, NOISY_MENTION_SHARE,
  DROPPED_PUNCTUATION_SHARE.
Nothing here depends on a linker: loaders never import linking/ or graph/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np

from loaders.synthetic import document_english, document_templates
from loaders.synthetic.document_builder import DocumentBuilder
from loaders.synthetic.document_cast import Cast
from loaders.synthetic.document_noise import OcrNoise
from loaders.synthetic.generate import World, world

TEMPLATES = {"zh": document_templates.KINDS, "en": document_english.KINDS}
LANGUAGE_STREAM = {"zh": 0, "en": 1}  # each language draws from its own seeded stream
FIRST_DAY, DAYS = dt.date(2021, 1, 1), 4 * 365  # documents are dated 2021-2024
DOC_NAME = re.compile(r"^(zh|en)-\d{4,}\.txt$")


def world_of(persons: int, organizations: int, seed: int) -> World:
    """The World that `loaders.synthetic.generate(out_dir, persons=, organizations=, seed=)`
    builds: it is drawn first from the generator seeded with `seed`."""
    if persons < 1 or organizations < 1:
        raise ValueError("persons and organizations must be at least 1")
    return world(persons, organizations, np.random.default_rng(seed))


def _check(count: int, languages: tuple[str, ...], target_chars: int, noise: float) -> None:
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    if not languages:
        raise ValueError("languages must name at least one of: zh, en")
    unknown = [lang for lang in languages if lang not in TEMPLATES]
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r}: choose from zh, en")
    if target_chars < 1:
        raise ValueError(f"target_chars must be at least 1, not {target_chars}")
    if noise < 0:
        raise ValueError(f"noise must be 0 or more, not {noise}")


def _document(cast: Cast, lang: str, index: int, seed: int, target_chars: int,
              noise: float) -> tuple[str, str, DocumentBuilder]:
    """(name, kind, built document) of document `index` in `lang`: seeded by (seed,
    language, index), so a document does not depend on how many others are made."""
    rng = np.random.default_rng([seed, LANGUAGE_STREAM[lang], index])
    kinds = TEMPLATES[lang]
    kind = list(kinds)[index % len(kinds)]
    builder = DocumentBuilder(OcrNoise(rng, noise))
    today = FIRST_DAY + dt.timedelta(days=int(rng.integers(DAYS)))
    kinds[kind](builder, cast, rng, today, target_chars)
    return f"{lang}-{index:04d}.txt", kind, builder


def generate_documents(out_dir: Path, world: World, *, count: int = 300,
                       languages: tuple[str, ...] = ("zh", "en"), seed: int = 11,
                       target_chars: int = 1000, noise: float = 1.0) -> Path:
    """Write `count` documents per language to out_dir/docs/<lang>-<NNNN>.txt, their gold
    mentions to out_dir/gold.jsonl and one line per document to out_dir/documents.jsonl;
    return gold.jsonl's path. Deterministic for a seed."""
    _check(count, tuple(languages), target_chars, noise)
    docs = Path(out_dir) / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for stale in docs.iterdir():
        if DOC_NAME.match(stale.name):
            stale.unlink()
    cast = Cast(world)
    gold, listing = [], []
    for lang in languages:
        for index in range(count):
            name, kind, built = _document(cast, lang, index, seed, target_chars, noise)
            text = built.text
            (docs / name).write_text(text, encoding="utf-8")
            listing.append({"doc": name, "lang": lang, "kind": kind, "chars": len(text),
                            "seed": seed, "noisy": built.noise.active})
            gold.extend({"doc": name, "lang": lang, "kind": kind, "start": m.start,
                         "end": m.end, "text": m.text, "type": m.type, "true_id": m.true_id,
                         "ambiguous": m.ambiguous, "abbreviated": m.abbreviated,
                         "noisy": m.noisy} for m in built.mentions)
    gold_path = Path(out_dir) / "gold.jsonl"
    _write_jsonl(gold_path, gold)
    _write_jsonl(Path(out_dir) / "documents.jsonl", listing)
    return gold_path


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")
