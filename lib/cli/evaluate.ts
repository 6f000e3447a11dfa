import { evaluateCheckpoint, type EvaluateOutcome } from "../app/build-evaluation";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";

export const evaluateCommand = defineCommand({
  command: "npm run evaluate --",
  summary: "Evaluate a checkpoint on its validation and test splits with conformal intervals on the critics' forecasts, and uncertainty-aware sizing on vs off.",
  flags: {
    model: { type: "string", description: "checkpoint directory", required: true, valueName: "dir" },
    method: { type: "string", description: "conformal method", choices: ["split", "adaptive"], default: "adaptive" },
    alpha: { type: "number", description: "miscoverage level (0.1 = 90% intervals)", default: 0.1 },
    sizing: { type: "string", description: "sizing mode compared with sizing off", choices: ["scale", "stand-aside"], default: "scale" },
    saveConformal: { type: "boolean", description: "write the predictor calibrated on validation to <model>/conformal.json (the live runner starts from it)" },
    json: { type: "boolean", description: "print the figures as JSON" },
  },
  examples: ["npm run evaluate -- --model checkpoints/demo", "npm run evaluate -- --model checkpoints/demo --save-conformal"],
  notes: ["Exit codes: 0 ok, 1 error (checkpoint, data), 2 usage error."],
});

function rows(o: EvaluateOutcome): Record<string, string | number>[] {
  const r = (name: string, x: EvaluateOutcome["test"]) => ({
    run: name,
    totalReturn: x.metrics.totalReturn,
    sharpe: x.metrics.sharpe,
    maxDrawdown: x.metrics.maxDrawdown,
    fees: x.fees,
    coverage: x.conformal.totalCoverage,
    meanWidth: x.conformal.rollingMeanWidth,
    alphaT: x.conformal.alphaT,
  });
  return [r("validation (calibration)", o.validation), r("test, sizing off", o.test), r("test, sizing on", o.testSized)];
}

export function evaluateMain(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(evaluateCommand, argv, async (a) => {
    const f = a.flags;
    const o = await evaluateCheckpoint({ model: f.model, conformal: { method: f.method, alpha: f.alpha, sizing: { mode: f.sizing } }, saveConformal: f.saveConformal });
    const table = rows(o);
    if (f.json) {
      io.out(JSON.stringify({ symbol: o.symbol, nominal: 1 - f.alpha, runs: table, conformal: o.conformalPath ?? null }, null, 2));
      return 0;
    }
    io.out(`${f.model} on ${o.symbol}: ${f.method} conformal, nominal coverage ${((1 - f.alpha) * 100).toFixed(0)}%, sizing "${f.sizing}" vs off`);
    const cols = Object.keys(table[0]!);
    const cell = (v: string | number) => (typeof v === "number" ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4)) : v);
    const w = cols.map((c) => Math.max(c.length, ...table.map((t) => String(cell(t[c]!)).length)));
    io.out(cols.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join("  "));
    for (const t of table) io.out(cols.map((c, j) => (j === 0 ? String(cell(t[c]!)).padEnd(w[j]!) : String(cell(t[c]!)).padStart(w[j]!))).join("  "));
    if (o.conformalPath) io.out(`conformal state: ${o.conformalPath}`);
    return 0;
  }, io);
}

runIfEntry(/evaluate\.ts$/, (argv, io) => evaluateMain(argv, io));
