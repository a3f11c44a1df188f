#!/usr/bin/env bash
# Document tests render XLSX (and later DOCX) with LibreOffice headless. Install its calc part
# when running as root; otherwise say how (the rendering tests are skipped without it).
set -euo pipefail
if command -v soffice >/dev/null || command -v libreoffice >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing LibreOffice (headless) for the document tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null
  exit 0
fi
echo "The document rendering tests need LibreOffice; they are skipped without it. Install with:" >&2
echo "    sudo apt-get install libreoffice-calc-nogui" >&2
