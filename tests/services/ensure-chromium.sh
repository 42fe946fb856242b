#!/usr/bin/env bash
# Make sure headless Chromium (Debian's chromium package) and a font that draws Chinese names
# exist for the HTML export test (tests/queries/test_export_formats.py). Installs them when
# missing and we are root; in CI (CI=true) the HTML test fails rather than skips without them.
set -euo pipefail
have_font() { fc-list :lang=zh 2>/dev/null | grep -q .; }
if command -v chromium >/dev/null 2>&1 && have_font; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium or a CJK font not found: apt-get install chromium fonts-wqy-microhei" >&2; exit 1
fi
echo "installing chromium and fonts-wqy-microhei (Debian packages) for the HTML export test" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
