#!/usr/bin/env bash
# Install the Debian packages the real-component tests need, when this machine can (root with apt-get).
# Shared by `make test` (best effort: what cannot be installed is skipped by its tests, with the reason)
# and `.ci/run` (required: it fails when a package cannot be installed).
# Usage: bash scripts/install-system-deps.sh [--required]
set -uo pipefail

packages=(postgresql-15 postgresql-15-hypopg postgresql-contrib percona-toolkit pgbadger prometheus chromium nginx gcc)  # gcc: the digest's C extensions
required=0
[ "${1:-}" = "--required" ] && required=1

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: cannot install ${missing[*]} (needs root and apt-get); their tests will skip" >&2
  [ $required -eq 1 ] && exit 1
  exit 0
fi
echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
  echo "install-system-deps: apt-get could not install ${missing[*]}; their tests will skip" >&2
  [ $required -eq 1 ] && exit 1
fi
exit 0
