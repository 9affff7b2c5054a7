#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python: chromium for the browser tests,
# redis-server for the shared-state and job-queue tests,
# faketime to run the demo tests with the clock moved,
# Pango for WeasyPrint's PDFs, poppler-utils to turn PDFs into text and images,
# libreoffice-impress-nogui (soffice, headless) to check that the sponsor PowerPoint
# opens and converts.
# Installs only what is missing; needs root (CI runs as root).
set -euo pipefail

wanted=(chromium redis-server faketime poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libreoffice-impress-nogui)
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
