"""Generated multi-department persons and companies: kglink vs Splink 5, side by side.

    .venv/bin/python tests/benchmarks/bench_link_generated.py                  # 20k / 4k
    .venv/bin/python tests/benchmarks/bench_link_generated.py --person-records 1000000 \
        --organizations 1000

``--persons`` counts the generator's true persons (each appears in ~3.3 departments);
``--person-records N`` sizes the run to about N person records instead (the ratio is
taken from a small pilot generation with the same seed).

The generator (loaders.synthetic) writes department files, a SOURCES.yaml and the truth
(truth_persons.csv / truth_organizations.csv) at its default noise. kglink resolves them
as ``kglink link`` does (ingest + link, timed together). Splink gets the same records
already standardised by kglink's loaders (ingest is not counted in its time) and
deduplicates persons and organisations across departments with its standard unsupervised
set-up (tests/benchmarks/splink_setups.py). Each run is a fresh spawned process.
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
    failure_row,
    peak_rss_mb,
    print_table,
    run_isolated,
    run_kglink,
    score,
)

KINDS = (("person", "persons"), ("organization", "organizations"))
SPLINK_COLUMNS = {  # the standardised columns Splink's set-up compares or blocks on
    "person": ["name_norm", "name_pinyin", "id_number", "birth_date", "sex", "phone",
               "address", "region_code"],
    "organization": ["name_norm", "name_core", "name_pinyin", "credit_code", "legal_rep_name",
                     "address", "phone", "established_date", "region_code"],
}


def generate_job(out_dir: str, persons: int, organizations: int, seed: int) -> str:
    from loaders.synthetic import generate

    return str(generate(out_dir, persons=persons, organizations=organizations, seed=seed,
                        formats="fast"))


def ingest_job(spec_path: str, out_dir: str) -> dict:
    """Standardised frames for Splink, written as parquet (what ``kglink ingest`` writes)."""
    from kglink import api

    ingested = api.ingest(spec_path)
    counts = {}
    for kind, attr in KINDS:
        frame = getattr(ingested, attr, None)
        counts[kind] = 0 if frame is None else len(frame)
        if counts[kind]:
            frame.to_parquet(Path(out_dir) / f"{attr}.parquet", index=False)
    return counts


def splink_job(parquet: str, entity: str) -> dict:
    from splink_setups import run_generated

    marks: dict = {}
    watch = Stopwatch()
    columns = SPLINK_COLUMNS[entity]
    frame = pd.read_parquet(parquet, columns=["department", "record_id", *columns])
    frame = frame.assign(unique_id=frame["department"].astype(str) + "\x1f"
                         + frame["record_id"].astype(str))
    clusters, pairs = run_generated(
        frame, entity, mark=lambda: marks.update(seconds=watch.seconds(),
                                                        cpu_seconds=watch.cpu_seconds(),
                                                        peak_rss_mb=peak_rss_mb()))
    split = clusters["unique_id"].astype(str).str.split("\x1f", n=1, expand=True)
    out = pd.DataFrame({"department": split[0], "record_id": split[1],
                        "entity_id": clusters["cluster_id"].astype(str)})
    return {"clusters": out, "pairs": pairs, **marks}


def kglink_job(spec_path: str, out_dir: str) -> dict:
    return run_kglink(spec_path, out_dir)


def _truth(directory: Path, kind: str) -> pd.DataFrame | None:
    path = directory / f"truth_{kind}s.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--person-records", type=int,
                        help="size the run to about this many person records")
    parser.add_argument("--organizations", type=int, default=4_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tools", nargs="+", default=["Splink", "kglink"],
                        choices=["Splink", "kglink"])
    parser.add_argument("--workdir", help="keep generated data here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the data and standardised frames already in --workdir")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kglink-bench-gen-") as tmp:
        work = Path(args.workdir or tmp)
        data, std = work / "data", work / "standardised"
        data.mkdir(parents=True, exist_ok=True)
        std.mkdir(exist_ok=True)
        reuse = args.reuse and (data / "SOURCES.yaml").is_file()
        if args.person_records and not reuse:
            pilot = run_isolated(generate_job, str(work / "pilot"), 2000, 400, args.seed)
            ratio = len(pd.read_csv(Path(pilot).parent / "truth_persons.csv")) / 2000
            args.persons = max(1, round(args.person_records / ratio))
            print(f"{ratio:.2f} records per person -> --persons {args.persons}",
                  file=sys.stderr)
        watch = Stopwatch()
        if reuse:
            spec = str(data / "SOURCES.yaml")
        else:
            spec = run_isolated(generate_job, str(data), args.persons, args.organizations,
                                args.seed)
            print(f"generated in {watch.seconds():.1f}s: {spec}", file=sys.stderr)
        truth_dir = Path(spec).parent
        counts = {}
        if "Splink" in args.tools:
            if reuse and (std / "persons.parquet").is_file():
                counts = {k: len(pd.read_parquet(std / f"{a}.parquet", columns=["record_id"]))
                          for k, a in KINDS if (std / f"{a}.parquet").is_file()}
            else:
                counts = run_isolated(ingest_job, spec, str(std))
        records = len(_truth(truth_dir, "person"))
        label = f"generated {records:,} person records"
        rows = []
        kinds = [k for k, _ in KINDS if _truth(truth_dir, k) is not None]
        truths = {k: _truth(truth_dir, k) for k in kinds}
        if "Splink" in args.tools:
            for kind, attr in KINDS:
                if kind not in kinds or not counts.get(kind):
                    continue
                try:
                    result = run_isolated(splink_job, str(std / f"{attr}.parquet"), kind)
                except Exception as exc:
                    rows.append(failure_row(f"{label} {kind}", "Splink 5.0 (duckdb)", exc))
                    continue
                rows.append({"dataset": f"{label} {kind}", "tool": "Splink 5.0 (duckdb)",
                             "pairs": result["pairs"], "seconds": result["seconds"],
                             "cpu_seconds": result.get("cpu_seconds"),
                             "peak_rss_mb": result["peak_rss_mb"],
                             **score(result["clusters"], truths[kind])})
                print(f"Splink {kind}: {result['seconds']:.1f}s F1 {rows[-1]['f1']:.4f}",
                      file=sys.stderr)
        if "kglink" in args.tools:
            try:
                result = run_isolated(kglink_job, spec, str(work / "kglink-out"))
            except Exception as exc:
                rows.append(failure_row(label, "kglink", exc))
            else:
                print(f"kglink: {result['seconds']:.1f}s; stats: {result['stats']}",
                      file=sys.stderr)
                clusters = result["clusters"]
                for kind in kinds:
                    part = clusters[clusters["entity_type"] == kind]
                    rows.append({"dataset": f"{label} {kind}", "tool": "kglink",
                                 "pairs": result["pairs"], "seconds": result["seconds"],
                             "cpu_seconds": result.get("cpu_seconds"),
                                 "peak_rss_mb": result["peak_rss_mb"],
                                 **score(part, truths[kind])})
        splink_total = sum(r["seconds"] for r in rows if r["tool"].startswith("Splink"))
        print("\nmachine: 2 cores shared with other engineers' work; timings are indicative.")
        print("kglink's seconds, pairs and RSS cover one run that ingests and links both entity "
              "types; Splink's are per entity type (ingest not counted); "
              f"Splink total {splink_total:.1f}s")
        print_table(rows, kglink_vs=splink_total or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
