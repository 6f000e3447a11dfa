#!/bin/sh
# Layer arrows and cycles (dependency-cruiser), then size caps and banned globals (eslint).
# A cruise of zero modules means the TypeScript parser is missing: fail rather than pass silently.
set -e
cd "$(dirname "$0")/.."
out=$(node_modules/.bin/depcruise lib live bench test notebooks --config .dependency-cruiser.cjs --output-type err 2>&1) || { echo "$out"; exit 1; }
echo "$out" | tail -3
count=$(node_modules/.bin/depcruise lib --config .dependency-cruiser.cjs --output-type json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).summary.totalCruised))')
if [ "${count:-0}" -eq 0 ]; then echo "lint: dependency-cruiser cruised 0 modules (TypeScript parser missing?)"; exit 1; fi
echo "lint: $count modules cruised, layer rules ok"
node scripts/check-imports.mjs
node_modules/.bin/eslint --no-error-on-unmatched-pattern --max-warnings 0 lib live bench test scripts
echo "lint: eslint ok"
