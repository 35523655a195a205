#!/usr/bin/env bash
# Installs everything quickrail needs on a Debian bookworm machine: the Debian packages
# (compilers, libraries, test servers, Chromium), the npm packages (test clients, Turbo,
# Tailwind) and the QuickJS sources. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs="build-essential pkg-config libuv1-dev node-llhttp libssl-dev libsqlite3-dev sqlite3
  libcjson-dev libcmocka-dev libpq-dev libhiredis-dev postgresql redis-server redis-tools chromium wrk
  nginx-light ruby-activesupport nodejs npm curl procps gnuplot-nox clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# nodejs/npm may come from elsewhere than Debian on this machine: accept any working node >= 20.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=$(echo "$missing" | tr ' ' '\n' | grep -v -x -e nodejs -e npm | tr '\n' ' ')
fi
if [ -n "${missing// /}" ]; then
  echo "setup: installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
export npm_config_nodedir=${npm_config_nodedir:-/usr}
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
scripts/fetch-quickjs.sh
# Front-end assets of the demo (Tailwind CSS, Turbo), built from the npm packages.
if [ -x scripts/build-assets.sh ]; then scripts/build-assets.sh; fi
