#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (examples/react-playlists/e2e).
# CI runs as root on a fresh Debian machine: install it with apt-get there. Elsewhere, say what is missing.
set -eu

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing; install Debian's chromium package (as root: apt-get install chromium)." >&2
  echo "ensure-chromium: the browser tests will be skipped." >&2
  exit 0
fi

echo "ensure-chromium: installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
# A failed install (a registry hiccup) must not fail the whole test run: the browser tests then report a skip.
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
  echo "ensure-chromium: apt-get could not install chromium; the browser tests will be skipped." >&2
fi
exit 0
