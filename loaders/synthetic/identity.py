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


def id_numbers(regions: np.ndarray, births: np.ndarray, male: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """18-digit ID numbers with correct check digits (sequence digit odd for men)."""
    n = len(regions)
    body = np.zeros((n, 17), dtype=np.uint8)
    body[:, :6] = _ascii(regions, 6)
    body[:, 6:14] = _ascii(np.char.replace(np.datetime_as_string(births, unit="D"), "-", ""), 8)
    body[:, 14:16] = 48 + rng.integers(0, 10, size=(n, 2))
    body[:, 16] = 48 + rng.integers(0, 5, size=n) * 2 + male.astype(np.uint8)
    total = ((body.astype(np.int32) - 48) * ID_WEIGHTS).sum(axis=1)
    return _text(np.concatenate([body, CHECK_CHARS[total % 11][:, None]], axis=1))


def legacy_ids(ids: np.ndarray) -> np.ndarray:
    """The 15-digit form of 18-digit numbers of people born in the 1900s."""
    mat = _ascii(ids, 18)
    return _text(np.concatenate([mat[:, :6], mat[:, 8:17]], axis=1))


def credit_codes(regions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Valid unified social credit codes (type 91: enterprise) for the given region codes."""
    n = len(regions)
    letters = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
    mat = np.zeros((n, 18), dtype=np.uint8)
    mat[:, 0], mat[:, 1] = ord("9"), ord("1")
    mat[:, 2:8] = _ascii(regions, 6)
    mat[:, 8:16] = letters[rng.integers(0, len(letters), size=(n, 8))]
    org_total = (_ORG_VALUE[mat[:, 8:16]] * ORG_WEIGHTS).sum(axis=1)
    expected = 11 - org_total % 11
    mat[:, 16] = np.where(expected == 10, ord("X"), np.where(expected == 11, ord("0"),
                                                             48 + expected))
    total = (_VALUE[mat[:, :17]] * CREDIT_WEIGHTS).sum(axis=1)
    mat[:, 17] = letters[(31 - total % 31) % 31]
    return _text(mat)
