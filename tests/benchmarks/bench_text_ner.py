"""Benchmark: does a spaCy NER trained on generated annotated documents help text linking
find its mentions? Trained, then measured beside the rule pipeline, per language.

    .venv/bin/python tests/benchmarks/bench_text_ner.py [--persons 2000]
        [--organizations 400] [--seed 7] [--train-docs 300] [--train-seed 101]
        [--epochs 10] [--docs 100] [--doc-seed 11] [--workdir DIR] [--save DIR]

No Neo4j: the generator's sources (``--seed``) are ingested and linked in memory, and the
text linker learns the graph's names from those linked records (an in-memory record index).
Documents about the same World: ``--train-docs`` per language with doc seed ``--train-seed``
train an NER (labels person, organization; identifiers stay rule-based) per language on the
pipeline's own tokens (the text squeezed as linking squeezes it; a gold span off the token
bounds is left missing, and counted); ``--docs`` per language with ``--doc-seed`` (11, the
development set; never 2026, the held-out test set) measure, as exact span and type
precision / recall / F1 of the mentions the linker finds (all types, and persons and
organisations only):
- rules: the current pipeline (``linking.text.pipeline.build``);
- ner: the trained NER alone (on the same tokenizer);
- rules+ner: the rules, then NER spans that overlap no rule span.
``--save DIR`` writes each language's trained model to DIR/<lang>: the shipped models
(``linking.text.ner``) are those of ``--save linking/text/models`` with the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_text import scores  # noqa: E402

import kglink  # noqa: E402
from linking.record_index import RecordIndex  # noqa: E402
from linking.resolver import Resolver  # noqa: E402
from linking.text.gazetteer import ORGANIZATION, PERSON  # noqa: E402
from linking.text.linker import TextLinker  # noqa: E402
from linking.text.ner import TRAINED_NER, add_trained_ner  # noqa: E402
from linking.text.spans import squeeze  # noqa: E402
from loaders.synthetic.documents import generate_documents, world_of  # noqa: E402
from loaders.synthetic.generate import generate  # noqa: E402

LANGUAGES = ("zh", "en")
LABELS = (PERSON, ORGANIZATION)
HELD_OUT_SEED = 2026
VARIANTS = ("rules", "ner", "rules+ner")


def in_memory_linker(sources: Path, persons: int, organizations: int, seed: int) -> TextLinker:
    """A text linker over the generator's sources, linked in memory (no graph)."""
    spec = generate(sources, persons=persons, organizations=organizations, seed=seed,
                    formats="fast")
    ingested = kglink.ingest(spec)
    linked = kglink.link(ingested, judgments=())
    index = RecordIndex(linked.models)
    for kind in linked.models.models:
        frame = ingested.frame(kind)
        ids = frame[["department", "record_id"]].merge(
            linked.clusters, on=["department", "record_id"], how="left")["entity_id"]
        index.add(kind, frame, ids.to_numpy())
    return TextLinker(Resolver(linked.models, index))


def read_documents(out: Path, lang: str) -> tuple[list[tuple[str, str]], list[dict]]:
    """(doc, text) of a language's generated documents, and their gold mentions."""
    files = sorted((out / "docs").glob(f"{lang}-*.txt"))
    gold = [g for line in (out / "gold.jsonl").read_text(encoding="utf-8").splitlines()
            if (g := json.loads(line))["lang"] == lang]
    return [(f.name, f.read_text(encoding="utf-8")) for f in files], gold


def training_examples(linker: TextLinker, lang: str, documents: list[tuple[str, str]],
                      gold: list[dict]) -> tuple[list, int, int]:
    """spaCy Examples of the documents on the pipeline's tokens of the squeezed text, with
    the person and organisation gold spans; (examples, aligned spans, misaligned spans)."""
    from spacy.tokens import Doc
    from spacy.training import Example

    tokenizer = linker.pipeline(lang).tokenizer
    by_doc: dict[str, list[dict]] = {}
    for g in gold:
        if g["type"] in LABELS:
            by_doc.setdefault(g["doc"], []).append(g)
    examples, aligned, misaligned = [], 0, 0
    for name, text in documents:
        squeezed = squeeze(text, lang, linker.gazetteer.words)
        reference = tokenizer(squeezed.text)
        spans, missing = [], []
        for g in by_doc.get(name, []):
            start = int(np.searchsorted(squeezed.origin, g["start"]))
            end = int(np.searchsorted(squeezed.origin, g["end"] - 1)) + 1
            span = reference.char_span(start, end, label=g["type"])
            if span is None:
                misaligned += 1
                missing.append(reference.char_span(start, end, alignment_mode="expand"))
            else:
                aligned += 1
                spans.append(span)
        reference.set_ents(spans, missing=[s for s in missing if s is not None],
                           default="outside")
        for line in _lines(reference):
            examples.append(Example(Doc(line.vocab, words=[t.text for t in line],
                                        spaces=[bool(t.whitespace_) for t in line]), line))
    return examples, aligned, misaligned


def _lines(doc) -> list:
    """The lines of a document as docs of their own, with their entities (short examples
    train a steadier NER than whole documents)."""
    cuts = [0, *(t.i + 1 for t in doc if "\n" in t.text and not t.ent_iob_ == "I"), len(doc)]
    return [doc[a:b].as_doc() for a, b in zip(cuts, cuts[1:], strict=False)
            if b > a and not doc[a:b].text.isspace()]


def train(lang: str, examples: list, epochs: int, seed: int = 0):
    """A blank pipeline of ``lang`` holding one NER trained on the examples."""
    import spacy
    from spacy.util import compounding, fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = spacy.blank(lang, config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}
                      if lang == "zh" else {})
    ner = nlp.add_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict = {}
        for batch in minibatch(examples, size=compounding(4.0, 16.0, 1.5)):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        print(f"  [{lang}] epoch {epoch + 1}/{epochs}: ner loss {losses['ner']:.1f}",
              file=sys.stderr)
    return nlp


def found_mentions(linker: TextLinker, lang: str, documents: list[tuple[str, str]]
                   ) -> list[dict]:
    return [{"doc": name, "start": m.start, "end": m.end, "type": m.type, "entity_id": None}
            for name, text in documents for m in linker.mentions(text, lang)]


def measure(linker: TextLinker, lang: str, documents: list[tuple[str, str]],
            gold: list[dict], model_path: Path) -> dict:
    """Mention P/R/F1 of each variant (module docstring), all types and persons and
    organisations only."""
    nlp = linker.pipeline(lang)
    if TRAINED_NER in nlp.pipe_names:
        nlp.remove_pipe(TRAINED_NER)  # the shipped model: measure the one just trained
    rules = list(nlp.pipe_names)
    add_trained_ner(nlp, lang, model_path)
    out = {}
    for variant, enabled in (("rules", rules), ("ner", [TRAINED_NER]),
                             ("rules+ner", nlp.pipe_names)):
        started = time.perf_counter()
        with nlp.select_pipes(enable=enabled):
            found = found_mentions(linker, lang, documents)
        seconds = time.perf_counter() - started
        parties = [f for f in found if f["type"] in LABELS]
        out[variant] = {"all": scores(gold, found, {}),
                        "parties": scores([g for g in gold if g["type"] in LABELS], parties, {}),
                        "documents_per_s": round(len(documents) / seconds, 1)}
    nlp.remove_pipe(TRAINED_NER)
    return out


def model_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--organizations", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--train-docs", type=int, default=300)
    parser.add_argument("--train-seed", type=int, default=101)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--docs", type=int, default=100, help="dev documents per language")
    parser.add_argument("--doc-seed", type=int, default=11)
    parser.add_argument("--languages", default="zh,en")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    if HELD_OUT_SEED in (args.train_seed, args.doc_seed) or args.train_seed == args.doc_seed:
        parser.error(f"train and dev seeds must differ, and neither be {HELD_OUT_SEED}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-text-ner-"))
    started = time.perf_counter()
    linker = in_memory_linker(work / "sources", args.persons, args.organizations, args.seed)
    print(f"sources linked in memory in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    world = world_of(args.persons, args.organizations, args.seed)
    generate_documents(work / "train", world, count=args.train_docs, seed=args.train_seed)
    generate_documents(work / "dev", world, count=args.docs, seed=args.doc_seed)
    report: dict = {"train_docs": args.train_docs, "train_seed": args.train_seed,
                    "dev_docs": args.docs, "dev_seed": args.doc_seed, "languages": {}}
    for lang in args.languages.split(","):
        documents, gold = read_documents(work / "train", lang)
        examples, aligned, misaligned = training_examples(linker, lang, documents, gold)
        started = time.perf_counter()
        model = train(lang, examples, args.epochs)
        seconds = time.perf_counter() - started
        path = (args.save or work / "models") / lang
        path.parent.mkdir(parents=True, exist_ok=True)
        model.to_disk(path)
        documents, gold = read_documents(work / "dev", lang)
        report["languages"][lang] = {
            "train_spans_aligned": aligned, "train_spans_misaligned": misaligned,
            "train_s": round(seconds, 1), "model_bytes": model_size(path),
            **measure(linker, lang, documents, gold, path)}
        _print(lang, report["languages"][lang])
    (work / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nreport: {work / 'report.json'}")


def _print(lang: str, figures: dict) -> None:
    print(f"\n[{lang}] trained in {figures['train_s']} s on {figures['train_spans_aligned']} "
          f"spans ({figures['train_spans_misaligned']} off token bounds, left missing); "
          f"model {figures['model_bytes'] / 1e6:.1f} MB")
    print(f"{'':12}{'P':>8}{'R':>8}{'F1':>8}{'P pers/org':>12}{'R pers/org':>12}"
          f"{'F1 pers/org':>12}{'docs/s':>8}")
    for variant in VARIANTS:
        a, p = figures[variant]["all"], figures[variant]["parties"]
        print(f"{variant:12}{a['mention_precision']:>8}{a['mention_recall']:>8}"
              f"{a['mention_f1']:>8}{p['mention_precision']:>12}{p['mention_recall']:>12}"
              f"{p['mention_f1']:>12}{figures[variant]['documents_per_s']:>8}")


if __name__ == "__main__":
    os.nice(10)
    main()
