"""``kglink link SOURCES.yaml --out DIR [--model FILE] [--settings FILE] [--labels PAIRS.csv]``.

Ingests the sources, resolves persons and organisations and writes DIR/clusters.csv,
DIR/links.csv, DIR/quality.json (+ quality.md, link_stats.json) and DIR/model.json, the
fitted model. ``--model`` applies a saved model without refitting. No database is needed. If
DIR/clusters.csv exists from an earlier run its entity ids are carried over (stable ids);
human judgments (``kglink judge``) are obeyed.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", type=Path, help="the SOURCES.yaml to ingest")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--model", type=Path,
                        help="apply this saved model.json without refitting (same clusters as "
                             "the run that saved it, on the same input)")
    parser.add_argument("--settings", type=Path,
                        help="linking settings YAML (default: the spec's optional linking: "
                             "section, else settings generated from the data)")
    parser.add_argument("--labels", type=Path,
                        help="labelled pairs CSV (department_l,record_id_l,department_r,"
                             "record_id_r,match): m is counted from the labelled matches "
                             "instead of estimated by EM")
    parser.add_argument("--judgments", type=Path,
                        help="judgments file (default $KGLINK_JUDGMENTS or "
                             "$KGLINK_HOME/judgments.jsonl)")
    add_engine_arguments(parser)
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and ``--master``: where ingest and linking run (``kglink ingest``, ``link``
    and ``run``; with ``run`` on Spark, entities, records and relations are written from
    Spark too)."""
    parser.add_argument("--engine", choices=("local", "spark"), default="local",
                        help="standardise and link in this process (local, default) or on "
                             "Apache Spark (kglink run then also writes the graph from Spark, "
                             "with the Neo4j Connector for Apache Spark)")
    parser.add_argument("--master", default="local[2]",
                        help="Spark master URL for --engine spark (default local[2])")


def _read_csv(path: Path, what: str):
    import pandas as pd

    if not path.is_file():
        raise FileNotFoundError(f"{what} not found: {path}")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read {what}: {' '.join(str(exc).split())}") from None


def run(args: argparse.Namespace) -> int:
    from kglink import api
    from linking.engine import CLUSTER_COLUMNS
    from linking.judgments import JudgmentStore
    from linking.settings import load_settings

    if args.model is not None and (args.settings is not None or args.labels is not None):
        raise ValueError("--model applies a fitted model: it cannot be combined with "
                         "--settings or --labels")
    models = api.load_model(args.model) if args.model is not None else None
    settings = load_settings(args.settings) if args.settings is not None else None
    labels = _read_csv(args.labels, "labelled pairs") if args.labels else None
    sources = api.load_sources(args.spec)
    previous = None
    previous_path = args.out / "clusters.csv"
    if previous_path.is_file():
        previous = _read_csv(previous_path, "previous clusters")
        missing = set(CLUSTER_COLUMNS) - set(previous.columns)
        if missing:
            raise ValueError(f"{previous_path}: lacks column(s) {sorted(missing)}")
    linked = api.link(sources, settings=settings, judgments=JudgmentStore(args.judgments),
                      models=models, labels=labels, previous_clusters=previous,
                      progress=not args.no_progress, engine=args.engine, master=args.master)
    paths = linked.write(args.out)
    for kind, stats in linked.stats.items():
        print(f"{kind}: {stats['records']} records -> {stats['entities']} entities; "
              f"{stats['pairs_compared']} pairs compared, {stats['accepted_links']} links "
              f"accepted ({sum(stats['timings_s'].values()):.1f} s)")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0
