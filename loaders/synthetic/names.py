"""Drawing surnames and given names with realistic, heavy-tailed frequencies (vectorised,
seeded by the caller's generator). Given names are returned as two character indexes into
`vocab.GIVEN` (the second -1 for a one-character name), which the noise model works on."""

from __future__ import annotations

import numpy as np

from loaders.synthetic import vocab


def zipf_mandelbrot(count: int, exponent: float, offset: float) -> np.ndarray:
    """Probabilities of ranks 1..count proportional to (rank + offset) ** -exponent."""
    weights = (np.arange(1, count + 1) + offset) ** -exponent
    return weights / weights.sum()


def _characters(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(first, second) character indexes into vocab.GIVEN of each name; second -1 when the
    name has one character."""
    where = {c: i for i, c in enumerate(vocab.GIVEN)}
    first = np.array([where[name[0]] for name in names])
    second = np.array([where[name[1]] if len(name) > 1 else -1 for name in names])
    return first, second


def draw_surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """n indexes into vocab.SURNAMES, drawn with the population shares."""
    return rng.choice(len(vocab.SURNAMES), size=n, p=vocab.SURNAME_SHARES)


def _ranked(rng: np.random.Generator, names: list[str], n: int,
            ) -> tuple[np.ndarray, np.ndarray]:
    first, second = _characters(names)
    pick = rng.choice(len(names), size=n,
                      p=zipf_mandelbrot(len(names), vocab.GIVEN_EXPONENT, vocab.GIVEN_OFFSET))
    return first[pick], second[pick]


def draw_given_names(rng: np.random.Generator, male: np.ndarray,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(g1, g2) character indexes of one given name per person: a ranked name of the
    person's sex, or for a share vocab.RARE_GIVEN_SHARE two freely drawn characters."""
    n = len(male)
    f1, f2 = _ranked(rng, vocab.GIVEN_FEMALE, n)
    m1, m2 = _ranked(rng, vocab.GIVEN_MALE, n)
    pool, _ = _characters(vocab.RARE_GIVEN_CHARS)
    r1, r2 = pool[rng.integers(0, len(pool), size=n)], pool[rng.integers(0, len(pool), size=n)]
    rare = rng.random(n) < vocab.RARE_GIVEN_SHARE
    g1 = np.where(rare, r1, np.where(male, m1, f1))
    g2 = np.where(rare, r2, np.where(male, m2, f2))
    return g1, g2
