#!/usr/bin/env bash
# Builds the blog demo's front-end assets from the npm packages into examples/blog/public/assets/:
# application.css with Tailwind CSS v3 (utility classes found in the views) and turbo.js, the
# @hotwired/turbo-rails bundle (Turbo + Action Cable client + <turbo-cable-stream-source>).
# Called by scripts/setup.sh; safe to run again. Needs node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
app=examples/blog
out=$app/public/assets
mkdir -p "$out"
turbo=node_modules/@hotwired/turbo-rails/app/assets/javascripts/turbo.js
[ -f "$turbo" ] || { echo "build-assets: $turbo missing (run npm ci)" >&2; exit 1; }
cp "$turbo" "$out/turbo.js"
node node_modules/tailwindcss/lib/cli.js -c "$app/tailwind.config.cjs" \
  -i "$app/app/assets/stylesheets/application.tailwind.css" -o "$out/application.css" --minify 2>&1 | grep -v -i -e browserslist -e 'update-browserslist' -e '^$' || true
[ -s "$out/application.css" ] || { echo "build-assets: tailwind produced no CSS" >&2; exit 1; }
echo "build-assets: $(wc -c < "$out/application.css") bytes of CSS, $(wc -c < "$out/turbo.js") bytes of turbo.js in $out"
