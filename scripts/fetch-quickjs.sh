#!/usr/bin/env bash
# Fetches the QuickJS 2021-03-27 C sources the way the project is allowed to: from the npm
# package qjsc@0.3.0, whose tarball is checked against its published sha1 before use.
# Unpacks deps/quickjs_2021_03_27 of that package into deps/quickjs (git-ignored, never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
want_sha1=70e57d876e9e0397217c26f3cb52ccb6dba3c2fd
dest=deps/quickjs
[ -f "$dest/quickjs.c" ] && exit 0
mkdir -p deps/.cache
tgz=deps/.cache/qjsc-0.3.0.tgz
if [ ! -f "$tgz" ]; then
  (cd deps/.cache && npm pack qjsc@0.3.0 --silent >/dev/null)
fi
got=$(sha1sum "$tgz" | cut -d' ' -f1)
if [ "$got" != "$want_sha1" ]; then
  echo "fetch-quickjs: qjsc-0.3.0.tgz has sha1 $got, expected $want_sha1; refusing to build it" >&2
  rm -f "$tgz"
  exit 1
fi
tmp=$(mktemp -d)
tar -xzf "$tgz" -C "$tmp" package/deps/quickjs_2021_03_27
rm -rf "$dest"
mv "$tmp/package/deps/quickjs_2021_03_27" "$dest"
rm -rf "$tmp"
echo "fetch-quickjs: QuickJS $(cat $dest/VERSION) in $dest (sha1 ok)"
