#!/usr/bin/env bash
# System packages and non-Python clients the test suite uses (real servers, real clients).
# Idempotent: each step checks before it installs. Servers are started by the tests themselves
# on 127.0.0.1 and stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ ! -f /tmp/.retractkg-apt-updated ]; then apt-get update -qq && touch /tmp/.retractkg-apt-updated; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Linked data (tests/test_jsonld.py, tests/test_pages_browser.py): jsonld.js as a second JSON-LD
# processor, and Debian's Chromium driven by Playwright (no `playwright install`: the system browser).
apt_install chromium nodejs npm
if [ ! -f .ci/work/node/node_modules/jsonld/package.json ]; then
  mkdir -p .ci/work/node
  npm install --prefix .ci/work/node --silent --no-audit --no-fund jsonld@8 >/dev/null
fi
