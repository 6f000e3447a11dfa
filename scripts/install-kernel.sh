#!/bin/sh
# Registers the tslab kernel for this checkout under .jupyter/ (kernel.json holds absolute paths).
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node_modules/.bin/tslab install --python=/usr/bin/python3 --binary="$root/scripts/tslab-kernel.sh" --prefix="$root/.jupyter"
