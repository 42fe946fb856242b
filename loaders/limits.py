"""The one set of input limits, each derived from what a later stage can bear.

Ingest quarantines a row whose value breaks a limit (the reason names the field and the
limit), so that nothing oversized reaches linking or the graph; readers refuse a file whose
shape breaks one (a one-line error naming the file).
"""

from __future__ import annotations

# Neo4j's native (range) index keys hold at most 8167 bytes (Neo4j knowledge base, "Index
# limitations and workarounds"); a longer value of an indexed property fails the whole write
# transaction ("property value is too large to index"). The key also carries a small header
# (value type and length): measured on Neo4j 5.26 with a range index, a string of 8,160
# bytes is indexed and one of 8,167 is refused, so indexed values are held at 8,000 bytes.
NEO4J_INDEX_KEY_BYTES = 8167
INDEXED_VALUE_BYTES = 8000

# Canonical fields stored on indexed or unique-constrained graph properties (ontology
# kgm:indexedOn / kgm:uniqueOn): person and organisation name, id_number, credit_code.
INDEXED_FIELDS = {"person": ("name", "id_number"),
                  "organization": ("name", "credit_code"),
                  "relation": ()}

# Linking copies both records' keys into every candidate pair (a block of n records makes
# n*(n-1)/2 pairs): a 1 MB record id made link need 2.3 GB. Real record keys are short codes;
# 256 characters bounds a pair's two keys at ~2 KB and the SourceRecord.record_key
# (department:record_id, unique-constrained) far below the index key limit.
MAX_RECORD_ID_CHARS = 256

# A value longer than this is not a name, number or address (non-indexed text fields).
MAX_FIELD_CHARS = 10_000

# A department name is a unique-constrained Department.name and part of every record key.
MAX_DEPARTMENT_CHARS = 256

# Columns in a source header. Departments' exports run to a few hundred columns (the widest
# registers about 300); every column of every row is tokenised by the readers and listed in
# a missing-column error, so a header 10x wider than any real export is refused as a
# transposed or corrupt file rather than parsed for minutes.
MAX_COLUMNS = 2_000


def too_long_reason(name: str, limit: int, unit: str) -> str:
    """The quarantine reason for a value of field `name` over `limit` `unit`s."""
    return f"field_too_long:{name}>{limit}_{unit}"


RECORD_ID_REASON = f"record_id_too_long>{MAX_RECORD_ID_CHARS}_chars"
