#!/bin/sh
# Everything `npm test` runs: the vitest suite, then the notebooks when Jupyter is installed.
# Ends with one line `N passed, N failed` (vitest tests + notebooks).
cd "$(dirname "$0")/.." || exit 1
export TZ=UTC
report=".tmp-vitest.json"
rm -f "$report"
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
vitest_rc=$?
counts=$(node -e '
const fs = require("fs");
try { const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTests ?? 0)); }
catch { console.log("0 1"); }' "$report")
rm -f "$report"
passed=${counts% *}
failed=${counts#* }
[ "$vitest_rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1

nb_passed=0
nb_failed=0
if [ $# -gt 0 ]; then
  echo "notebooks: skipped (test filter given)"
elif ! ls notebooks/*.ipynb >/dev/null 2>&1; then
  echo "notebooks: skipped (no notebooks)"
elif ! /usr/bin/python3 -c 'import nbclient, nbformat, ipykernel' >/dev/null 2>&1; then
  echo "notebooks: skipped (Jupyter is not installed; see README: apt-get install jupyter-notebook python3-nbclient python3-ipykernel)"
else
  out=$(sh scripts/run-notebooks.sh 2>&1)
  echo "$out"
  line=$(echo "$out" | grep '^notebooks: ' | tail -1)
  nb_passed=$(echo "$line" | sed -n 's/^notebooks: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  nb_failed=$(echo "$line" | sed -n 's/^notebooks: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  [ -z "$nb_passed" ] && nb_passed=0 && nb_failed=1
fi
total_passed=$((passed + nb_passed))
total_failed=$((failed + nb_failed))
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
