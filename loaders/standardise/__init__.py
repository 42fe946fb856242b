"""Vectorised standardisers: pandas Series in, normalised Series or DataFrames out.

Each module handles one kind of value (ID numbers, credit codes, names, dates, phones,
addresses, codes such as sex and relation types). Expensive per-value work runs on the
distinct values only (`text.distinct_columns`), so a column of a million rows with a few hundred
thousand distinct names costs a few hundred thousand conversions, not a million.
"""
