#!/usr/bin/env bash
# Installs what `make bench` needs beyond scripts/setup.sh: the Rails + Puma peer of the blog
# workload (Debian's Rails 6.1, Puma, Jbuilder, the SQLite adapter and rake), all from Debian
# packages, so bench/rails boots offline without Bundler. `make test` and
# `bench/run.sh --smoke` do not need it. Safe to run again: it installs only what is missing.
set -euo pipefail
pkgs="ruby-rails puma ruby-jbuilder ruby-sqlite3 rake"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "${missing// /}" ]; then
  echo "setup-bench: installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
