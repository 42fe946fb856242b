"""Comparators: each level reached on the cases it names, missing values -> -1, and the
features work inside recordlinkage.Compare (they are real BaseCompareFeature subclasses)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import recordlinkage

from linking.compare import (
    Coded,
    Comparator,
    DateFeature,
    EmailFeature,
    ExactFeature,
    IdentifierFeature,
    NameFeature,
    PersonNameFeature,
    PhoneFeature,
    RegionFeature,
    TextFeature,
)


def levels(feature, left, right):
    return feature._compute_vectorized(np.array(left, dtype=object),
                                       np.array(right, dtype=object)).tolist()


def test_name_levels_exact_homophone_jaro_winkler_missing():
    f = NameFeature(("name", "pinyin"))
    names_l = np.array(["张伟", "张伟", "martha", "john", None], dtype=object)
    names_r = np.array(["张伟", "张玮", "marhta", "xavier", "bob"], dtype=object)
    pin_l = np.array(["zhang wei", "zhang wei", "martha", "john", None], dtype=object)
    pin_r = np.array(["zhang wei", "zhang wei", "marhta", "xavier", "bob"], dtype=object)
    got = f._compute_vectorized(names_l, pin_l, names_r, pin_r).tolist()
    assert got == [4, 3, 2, 0, -1]
    assert f.level_labels[3] == "same_pinyin"


def test_person_names_need_a_counterpart_for_every_word_of_the_shorter_name():
    """Family members share the family name, so their whole names are close by
    Jaro-Winkler; a whole-name similarity level needs every word of the shorter name matched
    (a close spelling or its initial), else the names are different."""
    names_l = ["roy o sullivan", "s descaamps", "descamps", "rosa maria caceres",
               "marc voisin", "张伟", "张伟"]
    names_r = ["ryan o sullivan", "sophie descamps", "sophie descamps", "rosa caceres",
               "maurice voisin", "张芳", "章伟"]
    pin_l = ["roy o sullivan", "s descaamps", "descamps", "rosa maria caceres",
             "marc voisin", "zhang wei", "zhang wei"]
    pin_r = ["ryan o sullivan", "sophie descamps", "sophie descamps", "rosa caceres",
             "maurice voisin", "zhang fang", "zhang wei"]
    columns = [np.array(c, dtype=object) for c in (names_l, pin_l, names_r, pin_r)]
    whole = PersonNameFeature(("name", "pinyin"))._compute_vectorized(*columns).tolist()
    plain = NameFeature(("name", "pinyin"))._compute_vectorized(*columns).tolist()
    # Roy / Ryan and wei / fang: a given name without a counterpart -> different
    assert whole == [0, 1, 0, 1, 1, 0, 3]
    assert plain == [1, 1, 0, 1, 1, 1, 3]


def test_identifier_typo_transposition_and_two_edits():
    f = IdentifierFeature("id")
    got = levels(f, ["430102195001011234", "1234567", "1234567", "1234567", "1234567", None],
                 ["430102195001011234", "1234568", "1243567", "1299567", "9999999", "1"])
    assert got == [3, 2, 2, 1, 0, -1]


def test_date_exact_typo_swap_and_distance_bands():
    f = DateFeature("d")
    got = levels(f, ["19800102"] * 7, ["19800102", "19800103", "19800201", "19810102",
                                       "19800120", "19801230", "19850601"])
    # exact; one typo; day/month swap; 1981 vs 1980 is one digit; 18 days; 362 days; 5 years
    assert got == [5, 4, 4, 4, 3, 2, 1]
    assert levels(f, ["19800102", None], ["19650811", "19800102"]) == [0, -1]


def test_phone_text_region_exact():
    assert levels(PhoneFeature("p"), ["13812345678", "073188886666", "13812345678"],
                  ["13812345678", "88886666", "15900001111"]) == [2, 1, 0]
    assert levels(TextFeature("a"), ["12 high street sydney", "12 high street", "a b"],
                  ["12 high street sydney", "12 high street sydney", "x y"]) == [3, 2, 0]
    assert levels(RegionFeature("r"), ["430102", "430102", "430102"],
                  ["430102", "430103", "110101"]) == [2, 1, 0]
    assert levels(ExactFeature("s"), ["M", "M", None], ["M", "F", "F"]) == [1, 0, -1]


def test_coded_columns_give_the_same_levels_as_plain_values():
    values = np.array(["wang fang", "wang fang", "li na", None, "wang fan"], dtype=object)
    coded = Coded.of(values)
    left, right = np.array([0, 0, 2, 3]), np.array([1, 4, 4, 4])
    f = NameFeature("n")
    plain = f._compute_vectorized(values[left], values[right])
    fast = f._compute_vectorized(coded.take(left), coded.take(right))
    assert plain.tolist() == fast.tolist() == [4, 2, 0, -1]


def test_features_run_inside_recordlinkage_compare():
    a = pd.DataFrame({"given": ["martha", "john"], "dob": ["19800102", "19700101"]},
                     index=["a1", "a2"])
    b = pd.DataFrame({"given": ["marhta", "johnny"], "dob": ["19800201", "19700101"]},
                     index=["b1", "b2"])
    pairs = pd.MultiIndex.from_tuples([("a1", "b1"), ("a2", "b2"), ("a1", "b2")])
    compare = recordlinkage.Compare()
    compare.add(NameFeature("given", "given", label="given"))
    compare.add(DateFeature("dob", "dob", label="dob"))
    features = compare.compute(pairs, a, b)
    assert features.loc[("a1", "b1")].tolist() == [2, 4]  # jw >= 0.92; day/month swap
    assert features.loc[("a2", "b2"), "dob"] == 5
    assert features.loc[("a1", "b2"), "dob"] == 0


def test_email_levels():
    f = EmailFeature("email")
    got = levels(f, ["ann@x.com", "ann@x.com", "patricia47@davis.com", "anne.k@y.org", "a@b.c",
                     None],
                 ["ann@x.com", "ann@z.net", "patrcio47@davis.cam", "annek@q.io", "zz@q.io",
                  "a@b.c"])
    assert got == [4, 3, 2, 1, 0, -1]


def test_swapped_given_and_family_names_compare_crosswise():
    from linking.settings import ComparisonSpec

    frame = pd.DataFrame({"given_name": ["noah", "watson", "matilda", "harris", "john", "smith"],
                          "family_name": ["watson", "noah", "harris", "matidla", "smith",
                                          "jones"]})
    specs = [ComparisonSpec("given_name", "name"), ComparisonSpec("family_name", "name")]
    comparator = Comparator(frame, specs)
    got = comparator.levels(np.array([0, 2, 4]), np.array([1, 3, 5])).tolist()
    # Noah Watson / Watson Noah: both exact crosswise; Matilda Harris / Harris Matidla: one
    # exact, one close (jw 0.97); John Smith / Smith Jones: jw(john, jones) = 0.83 is too
    # loose to call it a swap, so the straight levels stand.
    assert got == [[4, 4], [2, 4], [0, 0]]
