"""Wiring of the one-way data flow: sources -> loaders -> linking -> graph -> queries.

The shell's commands (demo, run) call this; it holds no domain logic, only the order of the
steps and the hand-over between packages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class Pipeline:
    """One SOURCES.yaml taken through ingest, link and store."""

    def __init__(self, spec_path: Path, progress: bool = True) -> None:
        from loaders.spec import load_spec

        self.spec_path = Path(spec_path)
        self.spec = load_spec(self.spec_path)
        self.progress = progress
        self._driver = None
        self._database = None

    def ingest(self):
        from loaders.ingest import ingest

        return ingest(self.spec, progress=self.progress)

    def link(self, ingested, out_dir: Path | None = None, previous_clusters=None):
        from linking.engine import link

        linked = link(ingested, previous_clusters=previous_clusters, progress=self.progress)
        if out_dir is not None:
            linked.write(Path(out_dir))
        return linked

    def connection(self):
        if self._driver is None:
            from graph.connection import connect

            self._driver, self._database = connect()
        return self._driver, self._database

    def store(self, ingested, linked):
        from graph.store import write_graph

        driver, database = self.connection()
        return write_graph(driver, database, ingested, linked, progress=self.progress)

    @staticmethod
    def accuracy(linked, truth_dir: Path) -> dict[str, tuple[float, float, float]]:
        """Pairwise precision, recall and F1 per entity kind against generator ground truth."""
        import pandas as pd

        from linking.evaluation import pairwise_scores

        scores = {}
        for kind, file in (("person", "truth_persons.csv"),
                           ("organization", "truth_organizations.csv")):
            path = Path(truth_dir) / file
            if not path.exists():
                continue
            truth = pd.read_csv(path, dtype=str)
            predicted = linked.clusters[linked.clusters["entity_type"] == kind]
            scores[kind] = pairwise_scores(predicted, truth)
        return scores

    def showcase_queries(self) -> list[tuple[str, str, dict[str, Any]]]:
        """A few investigator questions from the query library, with their parameters."""
        return [
            ("persons and companies seen in at least 4 departments", "cross-department",
             {"min_departments": 4}),
            ("persons holding roles in at least 2 companies", "multi-role-persons",
             {"min_companies": 2}),
            ("entities sharing phones, addresses or legal representatives", "shared-contacts",
             {"min_entities": 3}),
            ("rings of cross-holdings", "circular-ownership", {"max_length": 6}),
        ]

    def query_table(self, name: str, params: dict[str, Any], limit: int = 10) -> str:
        from queries.formatting import render
        from queries.library import run_query

        driver, database = self.connection()
        result = run_query(driver, database, name, params, limit=limit)
        return render(result.columns, result.rows, "table")

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None
