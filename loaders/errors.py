"""Exceptions with one-line messages that name the file, line or key at fault."""

from __future__ import annotations


class SpecError(ValueError):
    """SOURCES.yaml is malformed: names the file and the key."""


class SourceError(ValueError):
    """A source cannot be read at all (missing file, wrong encoding, missing column...)."""
