// tslab's require hook does not resolve a folder to its index.ts: notebooks fail with
// "Cannot find module './x'". Every relative import in lib/ must name a file.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const bad = [];
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith(".ts")) {
      readFileSync(p, "utf8").split("\n").forEach((line, i) => {
        for (const m of line.matchAll(/from\s+["'](\.{1,2}\/[^"']*)["']/g)) {
          const t = normalize(join(dirname(p), m[1]));
          if (existsSync(t) && statSync(t).isDirectory() && !existsSync(`${t}.ts`)) bad.push(`${p}:${i + 1}: import "${m[1]}" names a folder; write "${m[1]}/index"`);
        }
      });
    }
  }
};
walk("lib");
for (const b of bad) console.log(b);
if (bad.length) process.exit(1);
console.log("lint: every relative import in lib/ names a file (tslab-safe)");
