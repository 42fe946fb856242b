"""Screenshots of local HTML pages in headless Chromium, for tests that check what a page
shows. Without Chromium the test is skipped (failed in CI: tests/services/ensure-chromium.sh
installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# no network: every host name unresolvable and every request sent to a dead proxy
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"]


def browser() -> str:
    """The Chromium executable, or skip (fail in CI) the calling test."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: run tests/services/ensure-chromium.sh")
        pytest.skip("chromium not installed (tests/services/ensure-chromium.sh installs it)")
    return found


def screenshot(page: Path, shot: Path, size: tuple[int, int] = (1200, 800),
               offline: bool = True) -> Path:
    """Render ``page`` headless (a throwaway profile beside ``shot``) and save ``shot``."""
    subprocess.run([browser(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run",
                    f"--user-data-dir={shot.parent / 'chromium-profile'}",
                    *(OFFLINE if offline else []), f"--window-size={size[0]},{size[1]}",
                    f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return shot
