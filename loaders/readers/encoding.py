"""Text encoding of a source file: `auto` tells UTF-8 (with or without BOM) from GB18030/GBK."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from loaders.errors import SourceError

SAMPLE_BYTES = 4 << 20  # decide on the first 4 MB
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes kept by errors="surrogateescape"


def resolve_encoding(path: Path, declared: str) -> str:
    """The Python codec to read `path` with: `declared` unless it is `auto`."""
    if declared != "auto":
        if codecs.lookup(declared).name == "utf-8":
            return "utf-8-sig" if _has_bom(path) else "utf-8"
        return declared
    return detect_encoding(path)


def detect_encoding(path: Path) -> str:
    """`utf-8-sig`, `utf-8` or `gb18030` (a superset of GBK and GB2312).

    UTF-8 is strict enough that text which decodes as UTF-8 almost surely is; otherwise GB18030
    decodes any GBK file. Other encodings are left to charset-normalizer's guess.
    """
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    final = len(sample) < SAMPLE_BYTES
    if _decodes(sample, "utf-8", final):
        return "utf-8"
    if _decodes(sample, "gb18030", final):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise SourceError(f"{path}: cannot tell the text encoding (not UTF-8 nor GBK); "
                          "set encoding: in SOURCES.yaml")
    return best.encoding


def _has_bom(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(3) == codecs.BOM_UTF8


def _decodes(data: bytes, encoding: str, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def not_valid_message(path: Path, encoding: str, reason: str) -> str:
    """The one-line error for a file that does not decode, naming the first bad line."""
    line = undecodable_line(path, encoding)
    where = f" line {line}" if line else ""
    return (f"{path}{where}: the file is not valid {encoding} ({reason}); set encoding: auto "
            "or the file's real encoding")


def undecodable_line(path: Path, encoding: str) -> int | None:
    """The first physical line (ended by LF, CRLF or CR) holding bytes that `encoding`
    cannot decode; None when every line decodes."""
    with open(path, encoding=encoding, errors="surrogateescape", newline=None) as fh:
        for number, line in enumerate(fh, start=1):
            if _UNDECODABLE.search(line):
                return number
    return None
