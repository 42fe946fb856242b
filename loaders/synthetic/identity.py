"""Vectorised construction of valid resident ID numbers and unified social credit codes."""

from __future__ import annotations

import numpy as np

from loaders.standardise.creditcode import _ORG_VALUE, _VALUE, ALPHABET, ORG_WEIGHTS
from loaders.standardise.creditcode import WEIGHTS as CREDIT_WEIGHTS
from loaders.standardise.idcard import CHECK_CHARS
from loaders.standardise.idcard import WEIGHTS as ID_WEIGHTS


def _ascii(values: np.ndarray, width: int) -> np.ndarray:
    return np.asarray(values, dtype=f"S{width}").view(np.uint8).reshape(len(values), width)


def _text(matrix: np.ndarray) -> np.ndarray:
    width = matrix.shape[1]
    return np.ascontiguousarray(matrix).view(f"S{width}").ravel().astype(str).astype(object)


SEQUENCE_SLOTS = 500  # sequence codes 000-999 of one sex: odd for men, even for women


def _sequence_slots(regions: np.ndarray, births: np.ndarray, male: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """A slot 0..499 per person, distinct among people of the same region, birth date and
    sex (the only people whose ID numbers could otherwise coincide): each such group takes
    consecutive slots from a random start. Vectorised: one sort, no loop over people."""
    n = len(regions)
    day = births.astype("datetime64[D]").astype(np.int64) + 100_000  # > 0 for 1700..2200
    key = (np.asarray(regions).astype(np.int64) * 1_000_000 + day) * 2 + male.astype(np.int64)
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) \
        if n else np.zeros(0, dtype=np.int64)
    group = np.repeat(np.arange(len(starts)), np.diff(np.concatenate([starts, [n]])))
    rank = np.arange(n) - starts[group] if n else np.zeros(0, dtype=np.int64)
    if n and rank.max() >= SEQUENCE_SLOTS:
        raise ValueError(f"more than {SEQUENCE_SLOTS} people of one sex share a region and "
                         "birth date: ID numbers cannot be unique")
    offset = rng.integers(0, SEQUENCE_SLOTS, size=len(starts))
    slots = np.empty(n, dtype=np.int64)
    slots[order] = (offset[group] + rank) % SEQUENCE_SLOTS
    return slots


def id_numbers(regions: np.ndarray, births: np.ndarray, male: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """18-digit ID numbers with correct check digits (sequence code odd for men), distinct
    for distinct people: sequence codes are allocated per region + birth date + sex."""
    n = len(regions)
    body = np.zeros((n, 17), dtype=np.uint8)
    body[:, :6] = _ascii(regions, 6)
    body[:, 6:14] = _ascii(np.char.replace(np.datetime_as_string(births, unit="D"), "-", ""), 8)
    sequence = _sequence_slots(regions, births, male, rng) * 2 + male.astype(np.int64)
    body[:, 14:17] = 48 + (sequence[:, None] // np.array([100, 10, 1])) % 10
    total = ((body.astype(np.int32) - 48) * ID_WEIGHTS).sum(axis=1)
    return _text(np.concatenate([body, CHECK_CHARS[total % 11][:, None]], axis=1))


def legacy_ids(ids: np.ndarray) -> np.ndarray:
    """The 15-digit form of 18-digit numbers of people born in the 1900s."""
    mat = _ascii(ids, 18)
    return _text(np.concatenate([mat[:, :6], mat[:, 8:17]], axis=1))


def distinct_integers(n: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct random integers in [0, high): draw, then redraw the repeats (a few rounds
    at most while n is far below high)."""
    if n > high:
        raise ValueError(f"cannot draw {n} distinct integers below {high}")
    values = rng.integers(0, high, size=n)
    while True:
        _, first = np.unique(values, return_index=True)
        repeat = np.ones(n, dtype=bool)
        repeat[first] = False
        if not repeat.any():
            return values
        values[repeat] = rng.integers(0, high, size=int(repeat.sum()))


def credit_codes(regions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Valid unified social credit codes (type 91: enterprise) for the given region codes;
    the 8-character organisation body is distinct for every organisation, so the codes are
    too."""
    n = len(regions)
    letters = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
    base = len(letters)
    mat = np.zeros((n, 18), dtype=np.uint8)
    mat[:, 0], mat[:, 1] = ord("9"), ord("1")
    mat[:, 2:8] = _ascii(regions, 6)
    body = distinct_integers(n, base ** 8, rng)
    mat[:, 8:16] = letters[(body[:, None] // base ** np.arange(7, -1, -1)) % base]
    org_total = (_ORG_VALUE[mat[:, 8:16]] * ORG_WEIGHTS).sum(axis=1)
    expected = 11 - org_total % 11
    mat[:, 16] = np.where(expected == 10, ord("X"), np.where(expected == 11, ord("0"),
                                                             48 + expected))
    total = (_VALUE[mat[:, :17]] * CREDIT_WEIGHTS).sum(axis=1)
    mat[:, 17] = letters[(31 - total % 31) % 31]
    return _text(mat)
