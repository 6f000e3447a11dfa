#!/bin/sh
# 1. The project's TypeScript (5.9, strict) over everything in tsconfig.json.
# 2. lib/ as the notebooks' tslab kernel compiles it (its own TypeScript 5.0, CommonJS, ES2022 lib,
#    NOT strict): catches code that only works under strictNullChecks, or uses newer syntax or APIs.
set -e
cd "$(dirname "$0")/.."
node node_modules/typescript/bin/tsc --noEmit
echo "typecheck: tsc $(node node_modules/typescript/bin/tsc -v | cut -d' ' -f2) strict ok"
files=$(find lib -name '*.ts' | sort)
node node_modules/@tslab/typescript-for-tslab/bin/tsc --noEmit --target ES2022 --lib ES2022 --module commonjs \
  --moduleResolution node --esModuleInterop --skipLibCheck --resolveJsonModule --types node $files
echo "typecheck: lib compiles under tslab's TypeScript $(node node_modules/@tslab/typescript-for-tslab/bin/tsc -v | cut -d' ' -f2) (notebook mode)"
