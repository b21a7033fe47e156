#!/usr/bin/env bash
# `npm run check`: the type-check (tsc -b) and the lint (ESLint, then knip) side by side. Each is mostly one core
# (fresh, about 60 s and 110 s here), and nothing in one needs the other, so together they take as long as the lint
# alone; `npm test` waits for this before any test. Each one's output is shown whole, in turn, and the check fails if
# either does.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
out=$(mktemp -d -t lattice-check.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$bin/tsc" -b > "$out/typecheck" 2>&1 &
typecheck=$!
{ "$bin/eslint" --max-warnings 0 . && "$bin/knip"; } > "$out/lint" 2>&1 &
lint=$!
wait "$typecheck"; typecheck_status=$?
wait "$lint"; lint_status=$?
for part in typecheck lint; do
  if [[ -s "$out/$part" ]]; then printf '[check] %s:\n' "$part"; cat "$out/$part"; fi
done
(( typecheck_status == 0 )) || echo "[check] the type-check failed (tsc -b): see above"
(( lint_status == 0 )) || echo "[check] the lint failed (eslint or knip): see above"
(( typecheck_status == 0 && lint_status == 0 ))
