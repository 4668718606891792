#!/usr/bin/env bash
# Rebuild the partial plotly.js bundle vendored in src/supportlens/render/assets/ (make plotly-bundle).
# The npm inputs are pinned by scripts/plotly-bundle/package.json + package-lock.json; they are
# installed into .venv/npm/plotly-bundle (never into the source tree). Needs node and npm; a
# pip-installed supportlens never runs this: it ships the built bundle.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${PLOTLY_BUNDLE_WORK:-$ROOT/.venv/npm/plotly-bundle}"
OUT="$ROOT/src/supportlens/render/assets"
command -v npm >/dev/null 2>&1 || { echo "build-plotly-bundle: npm (Node.js) is needed to rebuild the bundle" >&2; exit 1; }
mkdir -p "$WORK" "$OUT"
cp "$ROOT/scripts/plotly-bundle/package.json" "$ROOT/scripts/plotly-bundle/package-lock.json" "$WORK/"
# --ignore-scripts: nothing the bundle needs runs an install script (esbuild's binary comes as an optional dependency)
(cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
node "$ROOT/scripts/plotly-bundle/build.mjs" "$WORK" "$OUT"
cp "$WORK/node_modules/plotly.js/LICENSE" "$OUT/plotly.js-LICENSE.txt"
