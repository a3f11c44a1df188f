#!/usr/bin/env bash
# Document tests render XLSX and DOCX with LibreOffice headless (Calc and Writer) and read the
# PDF back with poppler's pdftotext. Install them when running as root; otherwise say how (the
# rendering tests are skipped without LibreOffice).
set -euo pipefail
writer() { ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1; }
if { command -v soffice >/dev/null || command -v libreoffice >/dev/null; } && writer \
  && command -v pdftotext >/dev/null; then
  exit 0
fi
packages="libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing LibreOffice (headless) and poppler-utils for the document tests…"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  exit 0
fi
echo "The document rendering tests need LibreOffice; they are skipped without it. Install with:" >&2
echo "    sudo apt-get install $packages" >&2
