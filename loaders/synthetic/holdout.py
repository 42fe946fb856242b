"""Hold records back from generated sources, to add them later as a service would and check
that incremental resolution agrees with a batch run over everything
(tests/server/test_add_record.py, tests/benchmarks/bench_add_record.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from loaders.safe_yaml import load_yaml


def bridge_records(links: pd.DataFrame) -> set[str]:
    """``DEPT:RECORD_ID`` of the records whose removal disconnects the accepted links
    (links.csv rows) of their entity: the ones whose late arrival merges entities."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from(zip(links["department_l"] + ":" + links["record_id_l"],
                             links["department_r"] + ":" + links["record_id_r"], strict=True))
    return set(nx.articulation_points(graph))


def hold_back(full: Path, reduced: Path, held: pd.DataFrame) -> None:
    """Copy the generated sources in ``full`` to ``reduced`` without the person rows of
    ``held`` (an ingested persons frame); the generator writes person sources as Parquet."""
    shutil.copytree(full, reduced)
    spec = load_yaml((full / "SOURCES.yaml").read_text(encoding="utf-8"))
    for source in spec["sources"]:
        if source["entity"] != "person":
            continue
        if source["format"] != "parquet":
            raise ValueError(f"{full / 'SOURCES.yaml'}: person source {source['path']} is "
                             f"{source['format']}; hold_back rewrites Parquet only")
        raw = pd.read_parquet(full / source["path"])
        mine = held.loc[held["department"].astype(str) == source["department"], "record_id"]
        keep = ~raw[source["id_column"]].astype(str).isin(mine.astype(str))
        if (~keep).sum() != len(mine):
            raise ValueError(f"{source['path']}: {len(mine)} records to hold back, "
                             f"{int((~keep).sum())} rows found")
        raw[keep].to_parquet(reduced / source["path"], index=False)
