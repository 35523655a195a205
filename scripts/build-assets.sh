#!/usr/bin/env bash
# Builds the blog demos' front-end assets from the npm packages into examples/blog/public/assets/
# (the JS blog) and examples/blog-ruby/public/assets/ (the Ruby blog): application.css with
# Tailwind CSS v3 (utility classes found in each blog's views; both use the JS blog's
# application.tailwind.css as input, so the Ruby blog's app/ holds only Ruby) and turbo.js, the
# @hotwired/turbo-rails bundle (Turbo + Action Cable client + <turbo-cable-stream-source>).
# Called by scripts/setup.sh; safe to run again. Needs node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
input=examples/blog/app/assets/stylesheets/application.tailwind.css
turbo=node_modules/@hotwired/turbo-rails/app/assets/javascripts/turbo.js
[ -f "$turbo" ] || { echo "build-assets: $turbo missing (run npm ci)" >&2; exit 1; }
for app in examples/blog examples/blog-ruby; do
  out=$app/public/assets
  mkdir -p "$out"
  cp "$turbo" "$out/turbo.js"
  node node_modules/tailwindcss/lib/cli.js -c "$app/tailwind.config.cjs" \
    -i "$input" -o "$out/application.css" --minify 2>&1 | grep -v -i -e browserslist -e 'update-browserslist' -e '^$' || true
  [ -s "$out/application.css" ] || { echo "build-assets: tailwind produced no CSS for $app" >&2; exit 1; }
  echo "build-assets: $(wc -c < "$out/application.css") bytes of CSS, $(wc -c < "$out/turbo.js") bytes of turbo.js in $out"
done
