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
apt_install chromium
# A Node.js from elsewhere (e.g. NodeSource's, which bundles npm) conflicts with Debian's npm package.
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
if [ ! -f .ci/work/node/node_modules/jsonld/package.json ]; then
  mkdir -p .ci/work/node
  npm install --prefix .ci/work/node --silent --no-audit --no-fund jsonld@8 >/dev/null
fi
# Accessibility (tests/test_pages_accessibility.py): axe-core, run in Chromium on the entity pages.
if [ ! -f .ci/work/node/node_modules/axe-core/axe.min.js ]; then
  mkdir -p .ci/work/node
  npm install --prefix .ci/work/node --silent --no-audit --no-fund axe-core@4 >/dev/null
fi

# SPARQL endpoint (tests/test_sparql_clients.py): Apache Jena's `rsparql` as a non-Python client.
# Debian's jars need a hand-built classpath (not /usr/share/java/*), and its relocated xerces
# (package `xerces.`) looks for message bundles that the jar keeps under org/apache/jena/ext/xerces:
# they are copied back to where the classes look. The result is the wrapper .ci/work/jena/rsparql.
apt_install openjdk-17-jre-headless libapache-jena-java unzip
if [ ! -x .ci/work/jena/rsparql ]; then
  jena=.ci/work/jena
  mkdir -p "$jena/bundles"
  tmp=$(mktemp -d)
  unzip -q -o /usr/share/java/jena-core.jar 'org/apache/jena/ext/xerces/*.properties' -d "$tmp"
  (cd "$tmp/org/apache/jena/ext" && find xerces -name '*.properties' -exec cp --parents {} "$OLDPWD/$jena/bundles/" \;)
  rm -rf "$tmp"
  classpath="$PWD/$jena/bundles"
  for jar in jena-arq jena-base jena-cmds jena-core jena-dboe-base jena-dboe-index jena-dboe-storage \
             jena-dboe-trans-data jena-dboe-transaction jena-iri jena-rdfconnection jena-tdb jena-tdb2 \
             commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3 dexx.collection \
             gson guava httpclient httpcore jackson-core jackson-databind jackson-annotations jakarta.json-api \
             jsonld-java protobuf slf4j-api slf4j-nop thrift titanium-json-ld caffeine; do
    if [ -f "/usr/share/java/$jar.jar" ]; then classpath="$classpath:/usr/share/java/$jar.jar"; fi
  done
  printf '#!/bin/sh\nexec java -cp "%s" arq.rsparql "$@"\n' "$classpath" > "$jena/rsparql.tmp"
  chmod +x "$jena/rsparql.tmp"
  mv "$jena/rsparql.tmp" "$jena/rsparql"
fi

# Remote store contract (tests/test_store_contract.py): Virtuoso from Debian. The tests run their
# own private instance (loopback-only ini in a temp folder); the package's system service must not
# start, so where no policy-rc.d forbids it already, one does for the time of the install.
if ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt_install virtuoso-opensource
fi
# The Oxigraph server binary comes from PyPI (`oxigraph`, in the `test` extra).
