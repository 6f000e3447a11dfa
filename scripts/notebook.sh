#!/bin/sh
# Starts Jupyter Notebook on 127.0.0.1 with the tslab kernel registered for this checkout.
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in -h|--help) echo "usage: npm run notebook [-- --port N]   start Jupyter (tslab kernel) on 127.0.0.1 in $root"; exit 0;; esac
command -v jupyter >/dev/null 2>&1 || { echo "jupyter is not installed: apt-get install jupyter-notebook python3-nbclient python3-ipykernel"; exit 1; }
sh "$root/scripts/install-kernel.sh" >/dev/null
export JUPYTER_PATH="$root/.jupyter/share/jupyter" PYDEVD_DISABLE_FILE_VALIDATION=1
cd "$root"
echo "tslab kernel registered in $root/.jupyter; starting Jupyter on http://127.0.0.1:${PORT:-8888}/tree/notebooks"
exec jupyter notebook --ip=127.0.0.1 --port="${PORT:-8888}" --no-browser --notebook-dir="$root" "$@"
