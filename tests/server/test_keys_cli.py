"""``kglink keys add|list|revoke`` and ``kglink audit verify`` as processes, without a
server: the key is shown once, stored only as its SHA-256 in a 0600 file; bad input is one
line."""

from __future__ import annotations

import hashlib
import json
import os
import stat

from service_process import kglink_cli


def env_for(home) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("KGLINK_")},
            "KGLINK_HOME": str(home)}


def test_a_key_is_printed_once_and_stored_hashed_in_a_private_file(tmp_path):
    env = env_for(tmp_path)
    made = kglink_cli(env, "keys", "add", "case-team", "--role", "investigator")
    assert made.returncode == 0
    key = made.stdout.strip()
    assert key.startswith("kgl_") and len(key) == 4 + 43
    assert "this is the only time it is shown" in made.stderr
    path = tmp_path / "keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert key not in text
    stored = json.loads(text)["keys"]
    assert [(k["name"], k["role"], k["sha256"], k["revoked"]) for k in stored] == [
        ("case-team", "investigator", hashlib.sha256(key.encode()).hexdigest(), None)]
    listed = kglink_cli(env, "keys", "list")
    assert listed.returncode == 0 and key not in listed.stdout
    assert listed.stdout.splitlines()[2].split()[:3] == ["case-team", "|", "investigator"]


def test_bad_key_commands_are_one_line_errors(tmp_path):
    env = env_for(tmp_path)
    assert kglink_cli(env, "keys", "add", "a", "--role", "service").returncode == 0
    again = kglink_cli(env, "keys", "add", "a", "--role", "admin")
    assert again.returncode == 1 and again.stderr.count("\n") == 1
    assert again.stderr.startswith(f"kglink: error: a key named 'a' exists already in "
                                   f"{tmp_path / 'keys.json'}")
    bad = kglink_cli(env, "keys", "add", "../x", "--role", "admin")
    assert bad.returncode == 1
    assert bad.stderr == ("kglink: error: key name '../x': use 1-64 letters, digits, '_', "
                          "'.', '-'\n")
    role = kglink_cli(env, "keys", "add", "b", "--role", "root")
    assert role.returncode == 2 and "invalid choice: 'root'" in role.stderr
    gone = kglink_cli(env, "keys", "revoke", "nobody")
    assert gone.stderr == f"kglink: error: no active key named 'nobody' in {tmp_path}/keys.json\n"
    assert kglink_cli(env, "keys", "revoke", "a").returncode == 0
    twice = kglink_cli(env, "keys", "revoke", "a")
    assert twice.returncode == 1 and "no active key named 'a'" in twice.stderr


def test_verify_an_empty_log_and_a_garbled_line(tmp_path):
    env = env_for(tmp_path)
    empty = kglink_cli(env, "audit", "verify")
    assert empty.returncode == 0
    assert empty.stdout.startswith("audit log intact: 0 entries")
    from kglink.service.audit import AuditLog

    log = AuditLog(tmp_path / "audit.jsonl")
    for n in range(3):
        log.append({"who": "t", "n": n})
    assert kglink_cli(env, "audit", "verify").stdout.startswith("audit log intact: 3 entries")
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    (tmp_path / "audit.jsonl").write_text("\n".join([lines[0], "{oops", *lines[1:]]) + "\n")
    broken = kglink_cli(env, "audit", "verify")
    assert broken.returncode == 1
    assert broken.stderr == (f"kglink: audit log broken: {tmp_path}/audit.jsonl:2: not an "
                             "audit entry (edited or inserted)\n")


def test_a_bad_refresh_period_stops_serve_at_once(tmp_path):
    for value, why in (("abc", "expected seconds (a number)"),
                       ("0", "expected a positive number of seconds")):
        env = {**env_for(tmp_path), "KGLINK_RESOLVER_REFRESH": value}
        served = kglink_cli(env, "serve", "--port", "1")
        assert (served.returncode, served.stderr) == (
            1, f"kglink: error: KGLINK_RESOLVER_REFRESH={value!r}: {why}\n")
