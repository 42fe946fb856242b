"""Designed shareholding structures, so that ownership queries have answers in generated
data: rings of cross-holdings (A holds B holds C holds A) and persons who own a company
through two levels of holding companies with an effective share of at least 25%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RINGS = 3         # rings of RING_SIZE companies holding each other
RING_SIZE = 3
CHAINS = 2        # person -> holding -> holding -> company
CHAIN_SIZE = 3    # companies per chain (two holdings and the owned company)


def designed_shareholdings(pid: np.ndarray, oid: np.ndarray, rep: np.ndarray,
                           rng: np.random.Generator) -> pd.DataFrame:
    """Shareholder rows (type, from, to, share_ratio) of the designed structures. Each
    company in them gets all its shareholders here (the caller drops its other shareholder
    rows), so that its shares add up to 1: ring members are held by the previous ring member
    (20-45%) and their legal representative (the rest); in a chain the legal representative
    of the first holding holds it with 70-90% (a random other person the rest), each holding
    holds the next company with 70-90% and that company's legal representative the rest, so
    the first person's effective share of the last company is at least 0.7^3 = 34%.

    `rep` is the person index of each company's legal representative. Uses as many
    structures as `oid` has companies for (none below RING_SIZE companies)."""
    n, m = len(pid), len(oid)
    rings = min(RINGS, m // RING_SIZE)
    chains = min(CHAINS, (m - rings * RING_SIZE) // CHAIN_SIZE)
    picked = rng.permutation(m)[:rings * RING_SIZE + chains * CHAIN_SIZE]
    ring = picked[:rings * RING_SIZE].reshape(rings, RING_SIZE)
    chain = picked[rings * RING_SIZE:].reshape(chains, CHAIN_SIZE)

    # rings: member j is held by member j-1
    holder = np.roll(ring, 1, axis=1).ravel()
    held = ring.ravel()
    ring_share = np.round(rng.uniform(0.2, 0.45, size=len(held)), 2)
    # chains: person -> chain[:, 0] -> chain[:, 1] -> chain[:, 2]
    owner = rep[chain[:, 0]] if chains else np.zeros(0, dtype=np.int64)
    other = (owner + 1 + rng.integers(0, max(n - 1, 1), size=chains)) % max(n, 1)
    chain_share = np.round(rng.uniform(0.7, 0.9, size=(chains, CHAIN_SIZE)), 2)
    rows = [
        (oid[holder], oid[held], ring_share),
        (pid[rep[held]], oid[held], np.round(1 - ring_share, 2)),
        (pid[owner], oid[chain[:, 0]], chain_share[:, 0]),
        (pid[other], oid[chain[:, 0]], np.round(1 - chain_share[:, 0], 2)),
        (oid[chain[:, :-1].ravel()], oid[chain[:, 1:].ravel()], chain_share[:, 1:].ravel()),
        (pid[rep[chain[:, 1:].ravel()]], oid[chain[:, 1:].ravel()],
         np.round(1 - chain_share[:, 1:].ravel(), 2)),
    ]
    return pd.DataFrame({
        "type": "shareholder",
        "from": np.concatenate([np.asarray(r[0], dtype=object) for r in rows]),
        "to": np.concatenate([np.asarray(r[1], dtype=object) for r in rows]),
        "share_ratio": np.concatenate([np.asarray(r[2], dtype=float) for r in rows])})
