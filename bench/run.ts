/**
 * `npm run bench [-- <filter>]`: runs every bench/*.bench.ts (or those whose name contains the filter),
 * prints one table and writes bench/results.json. Never part of `npm test`.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cpus, totalmem } from "node:os";
import { pathToFileURL } from "node:url";
import type { BenchResult } from "./types";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log("usage: npm run bench [-- <filter>...]\n  runs bench/*.bench.ts whose file name contains a filter; prints a table; writes bench/results.json");
  process.exit(0);
}
const dir = resolve("bench");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => args.length === 0 || args.some((a) => f.includes(a)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${args.join(" ") || "(all)"} in ${dir}`);
  process.exit(1);
}
const all: (BenchResult & { file: string })[] = [];
let failed = 0;
for (const f of files) {
  process.stdout.write(`running ${f} ...\n`);
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run: () => Promise<BenchResult[]> };
    const res = await mod.run();
    for (const r of res) all.push({ ...r, file: f });
    process.stdout.write(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (e) {
    failed++;
    console.error(`  ${f} failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
const fmt = (v: number) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : Math.abs(v) >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(3));
const rows = all.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, r.target ?? "", r.note ?? ""]);
const head = ["benchmark", "measured", "target", "note"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
console.log("\n" + line(head) + "\n" + widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? "", memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
writeFileSync(join(dir, "results.json"), JSON.stringify({ machine, results: all }, null, 2) + "\n");
console.log(`\nwrote bench/results.json (${all.length} figures, ${machine.cpus} cores, ${machine.node})`);
process.exit(failed ? 1 : 0);
