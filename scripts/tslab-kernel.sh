#!/bin/sh
# Jupyter starts kernels in the notebook's folder, but tslab compiles with rootDir = cwd and rejects
# files outside it (TS6059), so notebooks/ could not import ./lib. Start tslab from the project root.
cd "$(dirname "$0")/.." || exit 1
exec node_modules/.bin/tslab "$@"
