#!/bin/sh
# Executes every notebook (or the ones given) with the tslab kernel and writes a standalone HTML copy
# of each to reports/notebooks/ for sharing (plots inlined, works offline; ~5 MB each).
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in -h|--help) echo "usage: npm run notebooks:html [-- notebooks/01_explore_data.ipynb ...]   execute, then export HTML to reports/notebooks/"; exit 0;; esac
out="$root/.nb-out"
NB_OUT="$out" sh "$root/scripts/run-notebooks.sh" "$@" || status=$?
mkdir -p "$root/reports/notebooks"
for nb in "$out"/*.ipynb; do
  [ -f "$nb" ] || continue
  jupyter nbconvert --to html --log-level WARN --output-dir "$root/reports/notebooks" "$nb" >/dev/null
  jupyter trust "$nb" >/dev/null 2>&1 || true
  echo "html reports/notebooks/$(basename "${nb%.ipynb}").html"
done
exit ${status:-0}
