#!/usr/bin/env bash
# Debian packages eksadvisor needs beside Python: the Pango libraries WeasyPrint renders PDFs with (the app's
# and the CLI's PDF report: `make run` installs these with `system-deps.sh report`), and for the test suite
# also chromium (Playwright drives it; it cannot download its own browser here). Installed only when missing.
#   scripts/system-deps.sh          everything (make test)
#   scripts/system-deps.sh report   only what the PDF report needs (make run)
set -euo pipefail
what="${1:-all}"
case "$what" in all|report) ;; *) echo "usage: $0 [all|report]" >&2; exit 2 ;; esac
need=()
if [ "$what" = all ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
