"""Benchmark: text entity linking on generated annotated documents, beside an exact-name
lookup baseline, per language.

    .venv/bin/python tests/benchmarks/bench_text.py [--persons 2000] [--organizations 400]
        [--seed 7] [--docs 300] [--doc-seed 2026] [--workdir DIR] [--out FILE.json]

The generator writes the department sources (``--seed``); they are run into the configured
Neo4j (its database is WIPED: point KGLINK_HOME / KGLINK_BOLT_PORT or NEO4J_URI at a server
meant for benchmarking). ``loaders.synthetic.documents`` then writes ``--docs`` documents per
language about the same World (``--doc-seed``: 2026 is the held-out set nothing in kglink
was developed or tuned on; 11 was the development set). Each true entity's expected
entity is the one most of its records resolved to.

Measured per language:
- mentions: exact span and type, precision / recall / F1;
- linking accuracy over the gold mentions: right when a mention with the gold span and type
  was found and linked to the expected entity (NIL when the gold is NIL); a missed mention
  counts as wrong;
- NIL precision (found mentions linked to NIL whose gold is NIL) and NIL recall;
- throughput: documents per second of linking (pipelines built beforehand, timed apart).

The baseline finds every exact occurrence of a name the graph holds (longest first, all
names every record gave; for English, each person's name in pinyin, surname first) and links
it to the entity holding that name (the one with most records when several do); it finds no
identifiers and never says NIL.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import kglink  # noqa: E402
from graph.admin import reset_database  # noqa: E402
from loaders.synthetic.documents import generate_documents, world_of  # noqa: E402
from loaders.synthetic.generate import generate  # noqa: E402

LANGUAGES = ("zh", "en")
PARTIES = ("person", "organization")


def expected_entities(sources: Path, clusters: pd.DataFrame) -> dict[str, str]:
    truth = pd.concat([pd.read_csv(sources / f"truth_{kind}.csv", dtype=str)
                       for kind in ("persons", "organizations")])
    joined = truth.merge(clusters, on=["department", "record_id"])
    return joined.groupby("true_id")["entity_id"].agg(lambda s: s.mode().iloc[0]).to_dict()


def scores(gold: list[dict], found: list[dict], expected: dict[str, str]) -> dict:
    """Mention P/R/F1, linking accuracy, NIL precision and recall (module docstring)."""
    key = ("doc", "start", "end", "type")
    want = {tuple(g[k] for k in key): expected.get(g["true_id"]) if g["true_id"] else None
            for g in gold}
    got = {tuple(f[k] for k in key): f["entity_id"] for f in found}
    hit = want.keys() & got.keys()
    right = sum(got[k] == want[k] for k in hit)
    said_nil = [k for k in hit if got[k] is None]
    gold_nil = [k for k in want if want[k] is None]
    by_type = Counter(k[3] for k in want)
    right_by_type = Counter(k[3] for k in hit if got[k] == want[k])
    return {
        "gold_mentions": len(want), "found_mentions": len(got),
        "mention_precision": round(len(hit) / max(len(got), 1), 4),
        "mention_recall": round(len(hit) / max(len(want), 1), 4),
        "mention_f1": round(2 * len(hit) / max(len(got) + len(want), 1), 4),
        "linking_accuracy": round(right / max(len(want), 1), 4),
        "nil_precision": round(sum(want[k] is None for k in said_nil) / max(len(said_nil), 1),
                               4) if said_nil else None,
        "nil_recall": round(sum(k in hit and got[k] is None for k in gold_nil)
                            / max(len(gold_nil), 1), 4),
        "accuracy_by_type": {t: round(right_by_type[t] / n, 4) for t, n in sorted(by_type.items())},
    }


class ExactNames:
    """The baseline (module docstring)."""

    def __init__(self, resolver: kglink.Resolver) -> None:
        from linking.text.gazetteer import Gazetteer

        records = {kind: resolver.engine.candidates.prepared(kind) for kind in PARTIES}
        gazetteer = Gazetteer.of(records)
        self.names: dict[str, dict[str, tuple[str, str]]] = {"zh": {}, "en": {}}
        for kind, frame in records.items():
            sizes = frame.groupby("entity_id").size()
            pairs = frame[["name", "entity_id"]].dropna().drop_duplicates()
            pairs = pairs.assign(size=pairs["entity_id"].map(sizes)).sort_values(
                ["size", "entity_id"], ascending=[False, True])
            for lang in ("zh", "en"):
                for name, entity in zip(pairs["name"], pairs["entity_id"], strict=True):
                    surface = name if lang == "zh" else _pinyin_name(gazetteer, kind, entity)
                    if surface:
                        self.names[lang].setdefault(surface, (kind, entity))
        self.patterns = {lang: re.compile("|".join(map(re.escape, sorted(
            names, key=len, reverse=True)))) for lang, names in self.names.items() if names}

    def link(self, doc: str, text: str, lang: str) -> list[dict]:
        return [{"doc": doc, "start": m.start(), "end": m.end(),
                 "type": self.names[lang][m.group()][0],
                 "entity_id": self.names[lang][m.group()][1]}
                for m in self.patterns[lang].finditer(text)]


def _pinyin_name(gazetteer, kind: str, entity: str) -> str | None:
    pinyin = gazetteer.pinyin.get(entity) if kind == "person" else None
    if not pinyin:
        return None
    family, *given = pinyin.split()
    return family.capitalize() + (" " + "".join(given).capitalize() if given else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--organizations", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--docs", type=int, default=300, help="documents per language")
    parser.add_argument("--doc-seed", type=int, default=2026)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-text-"))
    sources = work / "sources"
    spec = generate(sources, persons=args.persons, organizations=args.organizations,
                    seed=args.seed, formats="fast")
    driver, database = kglink.connect()
    reset_database(driver, database)
    started = time.perf_counter()
    result = kglink.run(spec, driver=driver, database=database, judgments=())
    print(f"graph loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    expected = expected_entities(sources, result.linked.clusters)
    gold_path = generate_documents(work / "documents", world_of(
        args.persons, args.organizations, args.seed), count=args.docs, seed=args.doc_seed)
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]
    resolver = kglink.Resolver(driver=driver, database=database)
    started = time.perf_counter()
    linker = kglink.TextLinker(resolver)
    for lang in LANGUAGES:
        linker.engine.pipeline(lang)
    build = time.perf_counter() - started
    baseline = ExactNames(resolver)
    report: dict = {"documents_per_language": args.docs, "doc_seed": args.doc_seed,
                    "pipeline_build_s": round(build, 2), "languages": {}}
    for lang in LANGUAGES:
        files = sorted((work / "documents" / "docs").glob(f"{lang}-*.txt"))
        documents = [(f.name, f.read_text(encoding="utf-8")) for f in files]
        chars = sum(len(t) for _, t in documents)
        started = time.perf_counter()
        linked = linker.link_many(documents, lang)
        seconds = time.perf_counter() - started
        found = [m.as_dict() for ms in linked for m in ms]
        base = [row for doc, text in documents for row in baseline.link(doc, text, lang)]
        subset = [g for g in gold if g["lang"] == lang]
        report["languages"][lang] = {
            "kglink": scores(subset, found, expected),
            "baseline_exact_names": scores(subset, base, expected),
            "documents": len(documents), "mean_chars": round(chars / len(documents)),
            "link_s": round(seconds, 2), "documents_per_s": round(len(documents) / seconds, 1),
            "nil_prior_estimated": {m["type"]: m["evidence"]["nil_prior"] for m in found
                                    if "nil_prior" in m["evidence"]},
        }
        _print(lang, report["languages"][lang])
    print(f"pipelines built in {build:.1f} s (both languages)")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    resolver.close()


def _print(lang: str, figures: dict) -> None:
    k, b = figures["kglink"], figures["baseline_exact_names"]
    print(f"\n[{lang}] {figures['documents']} documents, ~{figures['mean_chars']} chars each; "
          f"linked in {figures['link_s']} s = {figures['documents_per_s']} documents/s")
    print(f"{'':24}{'kglink':>10}{'baseline':>10}")
    for name in ("gold_mentions", "found_mentions", "mention_precision", "mention_recall",
                 "mention_f1", "linking_accuracy", "nil_precision", "nil_recall"):
        print(f"{name:24}{k[name]!s:>10}{b[name]!s:>10}")
    print(f"{'accuracy by type':24}{json.dumps(k['accuracy_by_type'])}")
    print(f"{'NIL share estimated':24}{json.dumps(figures['nil_prior_estimated'])}")


if __name__ == "__main__":
    main()
