#!/bin/sh
# bench/blog/instructions.sh — instructions per request of the blog's JavaScript path, counted by
# Valgrind's callgrind (exact and repeatable on a busy machine, unlike wall time): a fresh copy of
# examples/blog (production, 20 articles x 3 comments) answers each PATH N1 and N2 times in one
# `quickrail run` (bench/blog/instructions.mjs); (Ir(N2) - Ir(N1)) / (N2 - N1) is one request.
# Usage: bench/blog/instructions.sh [BIN] [PATH...]   (default build/quickrail, /articles /articles.json)
set -eu
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/quickrail}")
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- /articles /articles.json
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
N1=${N1:-5}
N2=${N2:-25}
APP=$(mktemp -d)
trap 'rm -rf "$APP"' EXIT
cp -r examples/blog/. "$APP"
rm -rf "$APP"/db/*.sqlite3* "$APP"/tmp
export QUICKRAIL_ENV=production SECRET_KEY_BASE=instructions-bench QUICKRAIL_CACHE=0
(cd "$APP" && "$BIN" db:prepare -e production >/dev/null)
"$BIN" run bench/blog/instructions.mjs "$APP" 1 "$1" # seeds before the counted runs
ir() { # ir N PATH -> instructions of the whole run
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" run bench/blog/instructions.mjs "$APP" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for p in "$@"; do
  a=$(ir "$N1" "$p")
  b=$(ir "$N2" "$p")
  echo "$p $(( (b - a) / (N2 - N1) )) instructions per request"
done
