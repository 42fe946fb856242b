#!/usr/bin/env bash
# Make sure the PostgreSQL server binaries exist for the SQL loader tests (the tests start and
# stop their own throwaway cluster). Installs Debian's postgresql when missing and we are root.
set -euo pipefail
find_bin() {
  command -v initdb 2>/dev/null && return 0
  ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1
}
if [ -n "$(find_bin)" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "PostgreSQL server binaries (initdb) not found: apt-get install postgresql" >&2; exit 1
fi
echo "installing PostgreSQL (Debian package) for the SQL loader tests" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
