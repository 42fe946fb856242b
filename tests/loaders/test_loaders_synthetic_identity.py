"""Generated identifiers: distinct true persons never share a valid ID number and distinct
organisations never share a credit code, also where many people share a birth date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.standardise.idcard import normalise_id_numbers
from loaders.synthetic import generate
from loaders.synthetic.identity import credit_codes, distinct_integers, id_numbers


def _with_truth(frame: pd.DataFrame, truth_csv) -> pd.DataFrame:
    truth = pd.read_csv(truth_csv, dtype=str)
    return frame.merge(truth, on=["department", "record_id"], how="left", validate="1:1")


def test_20k_generated_persons_never_share_a_valid_id_number(tmp_path):
    spec = generate(tmp_path, persons=20_000, organizations=2_000, seed=7, formats="fast")
    result = ingest(load_spec(spec), progress=False)
    persons = _with_truth(result.persons, spec.parent / "truth_persons.csv")
    assert persons["true_id"].notna().all()
    valid = persons[persons["id_valid"].fillna(False).astype(bool)]
    assert len(valid) > 40_000
    owners = valid.groupby("id_number")["true_id"].nunique()
    assert owners.max() == 1, owners[owners > 1].head().to_dict()
    # and one person has one valid number (typos fail the checksum, legacy forms convert)
    assert valid.groupby("true_id")["id_number"].nunique().max() == 1
    # the latest birth date is shared by many children without crowding their numbers
    assert (valid["birth_date"] == "2008-12-31").sum() < 50

    orgs = _with_truth(result.organizations, spec.parent / "truth_organizations.csv")
    coded = orgs[orgs["credit_code_valid"].fillna(False).astype(bool)]
    assert coded["true_id"].nunique() == 2_000
    assert coded.groupby("credit_code")["true_id"].nunique().max() == 1
    assert coded.groupby("true_id")["credit_code"].nunique().max() == 1


def test_id_numbers_of_one_region_date_and_sex_are_distinct_and_valid():
    rng = np.random.default_rng(0)
    n = 900
    male = np.arange(n) % 2 == 0  # 450 of each sex: within the 500 codes per sex
    births = np.full(n, np.datetime64("2008-12-31"))
    ids = id_numbers(np.full(n, "430621"), births, male, rng)
    assert len(set(ids)) == n
    out = normalise_id_numbers(pd.Series(ids))
    assert out["id_valid"].all()
    assert (out["birth_date"] == "2008-12-31").all()
    assert out["sex"].tolist() == np.where(male, "M", "F").tolist()


def test_credit_codes_are_distinct_even_for_one_region():
    rng = np.random.default_rng(0)
    codes = credit_codes(np.full(50_000, "430102"), rng)
    assert len(set(codes)) == 50_000
    # the organisation bodies are drawn without repeats: a full draw is a permutation
    assert sorted(distinct_integers(1_000, 1_000, rng).tolist()) == list(range(1_000))
