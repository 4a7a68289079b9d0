#!/usr/bin/env bash
# Installs what the browser tests (tests/web/) need and is missing: Debian's Chromium with an
# emoji font, and axe-core from package-lock.json into node_modules/. Idempotent and quiet;
# `make test` runs it. Without root or npm it only says what is missing: the browser tests
# then skip (or fail, with ROOST_REQUIRE_SERVICES=1).
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [[ ! -x /usr/bin/chromium || ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]]; then
  if [[ $(id -u) != 0 ]]; then
    echo "install-browser: not root, so Chromium is not installed (apt-get install chromium" \
      "fonts-noto-color-emoji)" >&2
  elif ! {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji
  } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-browser: installing Chromium failed" >&2
    exit 1
  fi
fi

if [[ ! -f node_modules/axe-core/axe.min.js ]]; then
  if ! command -v npm >/dev/null; then
    echo "install-browser: npm is missing, so axe-core is not installed" >&2
  elif ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-browser: npm ci failed" >&2
    exit 1
  fi
fi
