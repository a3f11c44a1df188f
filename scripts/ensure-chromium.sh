#!/usr/bin/env bash
# Browser tests need Debian's Chromium. Install it when running as root; otherwise say how.
set -euo pipefail
CHROMIUM="${GBVMS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium at $CHROMIUM. Install it with:" >&2
echo "    sudo apt-get install chromium" >&2
echo "(or set GBVMS_CHROMIUM to another Chromium binary)" >&2
exit 1
