"""The generator: seeded, ground truth consistent with the data, both format sets."""

from __future__ import annotations

import pandas as pd

from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.synthetic import generate


def _frames(spec):
    return ingest(load_spec(spec), progress=False)


def test_same_seed_same_data(tmp_path):
    a = generate(tmp_path / "a", persons=200, organizations=40, seed=3, formats="fast")
    b = generate(tmp_path / "b", persons=200, organizations=40, seed=3, formats="fast")
    c = generate(tmp_path / "c", persons=200, organizations=40, seed=4, formats="fast")
    for name in ("truth_persons.csv", "truth_relations.csv"):
        assert (a.parent / name).read_bytes() == (b.parent / name).read_bytes()
    pa, pb = _frames(a).persons, _frames(b).persons
    pd.testing.assert_frame_equal(pa, pb)
    assert not pa["name"].equals(_frames(c).persons["name"])


def test_fast_formats_are_parquet_and_csv(tmp_path):
    spec = generate(tmp_path, persons=150, organizations=30, formats="fast")
    formats = {s.format for s in load_spec(spec).sources}
    assert formats == {"parquet", "csv"}


def test_noise_zero_gives_clean_ids_and_noise_gives_flags(tmp_path):
    clean = _frames(generate(tmp_path / "clean", persons=300, organizations=40, noise=0.0,
                             formats="fast"))
    noisy = _frames(generate(tmp_path / "noisy", persons=300, organizations=40, noise=3.0,
                             formats="fast"))
    assert clean.persons["id_valid"].dropna().all()
    flags = {}
    for rep in noisy.report["sources"]:
        for key, count in rep["flags"].items():
            flags[key] = flags.get(key, 0) + count
    assert flags.get("id_invalid", 0) > 0 and flags.get("id_legacy_converted", 0) > 0
    assert flags.get("name_traditional_converted", 0) > 0


def test_truth_covers_each_entity_in_several_departments(generated):
    truth = pd.read_csv(generated.parent / "truth_persons.csv")
    per_person = truth.groupby("true_id")["department"].nunique()
    assert per_person.min() >= 1 and per_person.mean() > 2
    assert set(truth["department"]) == {"公安厅户籍", "税务局", "人社厅社保", "民政厅", "卫健委"}
    orgs = pd.read_csv(generated.parent / "truth_organizations.csv")
    assert set(orgs["department"]) == {"市场监督管理局", "税务局"}
    relations = pd.read_csv(generated.parent / "truth_relations.csv")
    assert set(relations["type"]) >= {"legal_representative", "shareholder", "spouse", "parent"}
    no_id = _frames(generated).persons["id_number"].isna().mean()
    assert no_id > 0.02  # some records must be linked on names, dates and addresses
