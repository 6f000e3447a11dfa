#!/bin/sh
# Executes notebooks headless with the real tslab kernel; prints failing cells; ends with
# `notebooks: N passed, N failed`. Executed copies go to .nb-out/ (never committed).
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$root/.jupyter/share/jupyter/kernels/tslab/kernel.json" ] || sh "$root/scripts/install-kernel.sh" >/dev/null
export JUPYTER_PATH="$root/.jupyter/share/jupyter" PYDEVD_DISABLE_FILE_VALIDATION=1 TZ=UTC
[ $# -gt 0 ] || set -- "$root"/notebooks/*.ipynb
exec /usr/bin/python3 "$root/scripts/run-notebooks.py" --out "${NB_OUT:-$root/.nb-out}" "$@"
