"""Generated names and households: surnames with census shares, heavy-tailed given names,
children with the father's surname, families sharing an address and a phone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.synthetic import generate, vocab
from loaders.synthetic.generate import world
from loaders.synthetic.names import zipf_mandelbrot


def _digits(values: pd.Series) -> pd.Series:
    return values.str.replace(r"\D", "", regex=True)


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    """The true persons of generate(persons=20_000, organizations=2_000, seed=7)."""
    return world(20_000, 2_000, np.random.default_rng(7)).persons


def test_surname_table_is_a_distribution_anchored_on_published_shares():
    shares = vocab.SURNAME_SHARES
    assert len(shares) == len(vocab.SURNAMES) == len(set(vocab.SURNAMES)) == 258
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert (shares > 0).all() and (np.diff(shares) <= 0).all()
    assert vocab.SURNAMES[:5] == ["王", "李", "张", "刘", "陈"]
    np.testing.assert_allclose(shares[:20] * 100, list(vocab.TOP20_SURNAME_PERCENT.values()),
                               atol=1e-9)
    assert shares[:100].sum() == pytest.approx(0.8477, abs=1e-9)
    assert "欧阳" in vocab.SURNAMES[100:]


def test_zipf_mandelbrot_by_hand():
    np.testing.assert_allclose(zipf_mandelbrot(3, 1.0, 0.0), [6 / 11, 3 / 11, 2 / 11])
    np.testing.assert_allclose(zipf_mandelbrot(2, 2.0, 1.0), [0.25 / (0.25 + 1 / 9),
                                                              (1 / 9) / (0.25 + 1 / 9)])


def test_given_names_are_in_the_character_alphabet():
    alphabet = set(vocab.GIVEN)
    assert len(vocab.GIVEN) == len(alphabet)
    names = vocab.GIVEN_FEMALE + vocab.GIVEN_MALE
    assert not set(vocab.GIVEN_FEMALE) & set(vocab.GIVEN_MALE)
    assert all(1 <= len(name) <= 2 and set(name) <= alphabet for name in names)
    assert set("".join(vocab.HOMOPHONE_GROUPS)) <= alphabet  # 伟 -> 玮 is reachable
    assert vocab.GIVEN_FEMALE[:3] == ["娜", "芳", "敏"] and vocab.GIVEN_MALE[0] == "伟"


def test_name_frequencies_at_20k_persons(people):
    names = people["name"]
    counts = names.value_counts()
    surnames = pd.Series(np.asarray(vocab.SURNAMES)[people["surname"]]).value_counts()
    assert surnames.index[0] in {"王", "李", "张"}
    assert surnames.head(100).sum() / len(people) == pytest.approx(0.8477, abs=0.01)
    # seeded: 20k persons hold 5,377 distinct names (11.8k per 100k at 100k persons); 王娜 is
    # held by 195; 48.66% share their name with 10 or more others (75% at 100k persons)
    assert len(counts) == 5_377
    assert (counts.index[0], counts.iloc[0]) == ("王娜", 195)
    shared = (names.map(counts) >= 11).mean()
    assert shared == pytest.approx(0.4866, abs=1e-4)
    assert shared > 0.45  # a uniform draw from the same name lists gives none
    single = people["g2"] < 0
    assert 0.75 < single.mean() < 0.9  # mostly one-character given names (伟, 娜, 芳 ...)
    by_sex = names.str[-1].groupby(people["male"].to_numpy()).agg(lambda s: s.mode()[0])
    assert by_sex.to_dict() == {False: "娜", True: "伟"}


def test_children_carry_the_fathers_surname(people):
    head = people.groupby("household")["surname"].transform("first")
    children = people["rank"] >= 2
    assert children.sum() > 2_000
    assert (people.loc[children, "surname"] == head[children]).all()
    spouses = people["rank"] == 1
    assert (people.loc[spouses, "surname"] == head[spouses]).mean() < 0.1  # wives keep theirs
    fathers = people.loc[people.groupby("household")["rank"].transform("size") >= 2]
    assert fathers.loc[fathers["rank"] == 0, "male"].all()


def test_households_share_address_and_phone(people):
    family = people.groupby("household")
    assert (family["new_address"].nunique() == 1).all()
    assert (family["household_phone"].nunique() == 1).all()
    assert people["mobile"].dropna().is_unique
    heads = people[people["rank"] == 0]
    mobile_shared = ~heads["household_phone"].str.contains("-", regex=False)
    assert (heads.loc[mobile_shared, "household_phone"] == heads.loc[mobile_shared,
                                                                     "mobile"]).all()
    alone = family["rank"].transform("size") == 1
    assert (people.loc[alone, "household_phone"] == people.loc[alone, "mobile"]).all()
    landlines = people.loc[~alone, "household_phone"].drop_duplicates()
    assert landlines.str.fullmatch(r"0731-8\d{7}|07[3-4]\d-[2-9]\d{6}").mean() == pytest.approx(
        landlines.str.contains("-", regex=False).mean())
    assert people.loc[~alone, "mobile"].isna().mean() == pytest.approx(0.1609, abs=1e-4)


def test_written_phones_are_the_persons_own_or_the_households(tmp_path):
    """Every standardised phone of every person record is its true person's own mobile or the
    household's number (landlines in all their written forms included), and family members'
    records in the household register share address and, mostly, phone."""
    spec = generate(tmp_path, persons=3_000, organizations=300, seed=5, formats="fast")
    truth = pd.read_csv(tmp_path / "truth_persons.csv", dtype=str)
    persons = ingest(load_spec(spec), progress=False).persons.merge(
        truth, on=["department", "record_id"], validate="1:1")
    true = world(3_000, 300, np.random.default_rng(5)).persons.set_index("true_id")
    given = persons.dropna(subset=["phone"])
    own = given["true_id"].map(true["mobile"])
    shared = _digits(given["true_id"].map(true["household_phone"]))
    assert ((given["phone"] == own) | (given["phone"] == shared)).all()
    assert given["phone"].str.startswith("07").sum() > 300  # landlines

    relations = pd.read_csv(tmp_path / "truth_relations.csv", dtype=str)
    pairs = relations[relations["type"].isin(["spouse", "parent"])]
    register = persons[persons["department"] == "公安厅户籍"].set_index("true_id")
    a, b = register.loc[pairs["from_true_id"]], register.loc[pairs["to_true_id"]]
    assert (a["address"].to_numpy() == b["address"].to_numpy()).all()
    both = a["phone"].notna().to_numpy() & b["phone"].notna().to_numpy()
    same = a["phone"].to_numpy()[both] == b["phone"].to_numpy()[both]
    # seeded: of 806 spouse / parent pairs whose register records both give a phone, 545 give
    # the same one (unrelated people never share a mobile)
    assert (both.sum(), same.sum()) == (806, 545)
