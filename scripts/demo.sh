#!/usr/bin/env bash
# The demo, as a new user would run it: a fresh blog app made by `quickrail new --demo blog`
# in demo/blog (git-ignored), its database prepared, and the server up on port 3000 (PORT).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/quickrail
mkdir -p "$root/demo"
cd "$root/demo"
[ -d blog ] || "$bin" new blog --demo blog
cd blog
"$bin" db:prepare
echo "quickrail: open http://localhost:${PORT:-3000}/ in two browser tabs; Ctrl-C stops the server"
exec "$bin" up -p "${PORT:-3000}"
