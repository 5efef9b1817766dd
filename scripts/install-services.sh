#!/usr/bin/env bash
# Installs the Debian packages the real-services test run and the browser tests
# need on top of PostgreSQL 15 and Redis (which the machine/CI image provides):
#
#   postgresql-15-postgis-3  PostGIS 3.3 for the PostgreSQL 15 cluster (the first
#                            migration runs CREATE EXTENSION postgis)
#   chromium                 headless browser driven by playwright-core in
#                            `npm run test:e2e` (Playwright's own browser
#                            downloads are not available here, Debian's are)
#   fonts-liberation         Arial/Times/Courier-metric fonts, so pages lay out
#                            the same as on a desktop (chromium only recommends
#                            it and we install with --no-install-recommends)
#   prometheus               Prometheus and promtool, for scripts/check-ops.sh
#                            (the scrape config, alert rules and dashboard in ops/)
#
# Idempotent and fast: if every package is already installed it does nothing
# (no apt-get update, no network). Otherwise it refreshes the package lists
# first, because stale lists point at security-updated .debs that are gone.
set -euo pipefail

PACKAGES=(postgresql-15-postgis-3 chromium fonts-liberation prometheus)

is_installed() {
  # dpkg-query exits non-zero for unknown packages; "install ok installed"
  # is the only state that means the files are really there.
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-services: already installed: ${PACKAGES[*]}"
  exit 0
fi

# apt needs root; use sudo on a CI runner that runs us as a normal user.
SUDO=()
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-services: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-services: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Fail here, not halfway through a test run, if something did not land.
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || { echo "install-services: $pkg did not install" >&2; exit 1; }
done
[[ -x /usr/bin/chromium ]] || { echo "install-services: /usr/bin/chromium missing" >&2; exit 1; }
echo "install-services: done"
