"""Run one generated load in its own process (the resumability test kills it mid-way).

Usage: python graphstore_load_worker.py PERSONS ORGANIZATIONS CHUNK_SIZE
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphstore_frames import generated  # noqa: E402

from graph.connection import connect  # noqa: E402
from graph.store import write_graph  # noqa: E402


def main() -> None:
    persons, organizations, chunk = (int(a) for a in sys.argv[1:4])
    ingested, linked = generated(persons, organizations)
    driver, database = connect()
    with driver:
        summary = write_graph(driver, database, ingested, linked, progress=False,
                              chunk_size=chunk)
    print(summary.batch)


if __name__ == "__main__":
    main()
