"""API keys: created by the operator (``kglink keys add``), stored hashed, checked in
constant time.

A key is ``kgl_`` + 32 random bytes (URL-safe base64). Only its SHA-256 is stored. A slow,
salted hash (scrypt, PBKDF2) protects *guessable* secrets such as passwords; a 256-bit
random token cannot be guessed, so a fast hash is as strong here and keeps the check cheap
on every request (the service's latency budget is a few milliseconds). Hashes are compared
with ``hmac.compare_digest`` against every stored key, so timing shows neither which key
nor how much of one matched.

The store is ``$KGLINK_HOME/keys.json`` (mode 0600), rewritten atomically under a lock; a
running server re-reads it when it changes, so a revoked key stops working at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from linking.kglink_home import kglink_home

ROLES = ("service", "investigator", "analyst", "admin")
PREFIX = "kgl_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class ApiKey:
    """One stored key: its name, role, creation time, hash and revocation time."""

    name: str
    role: str
    created: str
    sha256: str
    revoked: str | None = None


def keys_path() -> Path:
    """``$KGLINK_HOME/keys.json``."""
    return kglink_home() / "keys.json"


def digest(token: str) -> str:
    """The stored form of a key: SHA-256 of its text, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class KeyStore:
    """The keys file: add, list, revoke, and look up the key a request presents."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else keys_path()
        self._seen: tuple[int, int] | None = None
        self._cached: list[ApiKey] = []

    def keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, as stored now (re-read when the file changed)."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return []
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp != self._seen:
            self._cached = self._read()
            self._seen = stamp
        return list(self._cached)

    def _read(self) -> list[ApiKey]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [ApiKey(**entry) for entry in data["keys"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{self.path}: not a kglink keys file ({exc})") from None

    def add(self, name: str, role: str) -> str:
        """Create key ``name`` with ``role``; returns the key text (shown once, not stored)."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"key name {name!r}: use 1-64 letters, digits, '_', '.', '-'")
        if role not in ROLES:
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
        token = PREFIX + secrets.token_urlsafe(32)
        with self._locked():
            keys = self._read() if self.path.exists() else []
            if any(k.name == name for k in keys):
                raise ValueError(f"a key named {name!r} exists already in {self.path} "
                                 "(revoke it or choose another name)")
            keys.append(ApiKey(name=name, role=role, created=_now(), sha256=digest(token)))
            self._write(keys)
        return token

    def revoke(self, name: str) -> ApiKey:
        """Mark key ``name`` revoked (kept for the audit trail's names); error if unknown."""
        with self._locked():
            keys = self._read() if self.path.exists() else []
            found = [k for k in keys if k.name == name and k.revoked is None]
            if not found:
                raise ValueError(f"no active key named {name!r} in {self.path}")
            revoked = ApiKey(**{**asdict(found[0]), "revoked": _now()})
            self._write([revoked if k is found[0] else k for k in keys])
        return revoked

    def authenticate(self, token: str | None) -> ApiKey | None:
        """The active key whose hash matches ``token``, else None; every stored hash is
        compared in constant time."""
        if not token:
            return None
        presented = digest(token)
        match = None
        for key in self.keys():
            if hmac.compare_digest(presented, key.sha256) and key.revoked is None:
                match = key
        return match

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _write(self, keys: list[ApiKey]) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"keys": [asdict(k) for k in keys]}, out, ensure_ascii=False, indent=1)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
