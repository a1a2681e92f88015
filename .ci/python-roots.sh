#!/usr/bin/env bash
# Builds, if missing, the Debian root whose CPython 3.14 and 3.15 the integration tests compare the
# simulator against (Debian unstable packages python3.14 and python3.15; no other distribution
# here ships them), and prints its path on stdout for PYTHON_ROOTS:
#
#   export PYTHON_ROOTS="$(.ci/python-roots.sh)"
#
# Needs root and debootstrap (as .ci/container-smoke.sh). The root is kept in
# /var/cache/gc-incident-ci (or $1) and reused while it holds both interpreters; a build that
# fails leaves nothing behind, and the tests that need the root then skip with a printed reason.
set -euo pipefail
root="${1:-/var/cache/gc-incident-ci/debian-sid-py}"
mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"

ready() { [ -e "$root/usr/bin/python3.14" ] && [ -e "$root/usr/bin/python3.15" ]; }

if ! ready; then
  command -v debootstrap >/dev/null || { echo "python-roots: debootstrap is not installed" >&2; exit 1; }
  mkdir -p "$(dirname "$root")"
  work="$root.partial"
  rm -rf "$work"
  log="$(mktemp)"
  echo "== python-roots: debootstrap sid (python3.14, python3.15) from $mirror into $root" >&2
  if ! debootstrap --variant=minbase --include=python3.14,python3.15 sid "$work" "$mirror" >"$log" 2>&1; then
    tail -20 "$log" >&2
    echo "python-roots: debootstrap failed (is $mirror reachable?)" >&2
    rm -rf "$work" "$log"
    exit 1
  fi
  rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/* "$log"
  rm -rf "$root"
  mv "$work" "$root"
fi
for v in 3.14 3.15; do
  echo "== python-roots: $(chroot "$root" "/usr/bin/python$v" -I -S -c 'import sys; print(sys.version.split()[0])') at $root/usr/bin/python$v" >&2
done
echo "$root"
