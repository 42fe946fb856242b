"""Seeded synthetic department data (Hunan-style persons, companies and their relations) with
ground truth, for demos, tests and benchmarks. See `generate`."""

from loaders.synthetic.generate import generate

__all__ = ["generate"]
