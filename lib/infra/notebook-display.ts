import { createRequire } from "node:module";
import { join } from "node:path";
import type { Figure } from "../core/figure";
import { plotlyBundleHtml, plotlyFigureHtml } from "./plotly-html";

interface TslabDisplay {
  html(s: string): void;
  text(s: string): void;
}

// tslab is only importable inside a notebook kernel session; resolve it lazily from the project root
const req = createRequire(join(process.cwd(), "package.json"));
let display: TslabDisplay | null | undefined;

function tslabDisplay(): TslabDisplay | null {
  if (display === undefined) {
    try {
      display = (req("tslab") as { display: TslabDisplay }).display;
    } catch {
      display = null;
    }
  }
  return display;
}

/** True when running inside the tslab kernel (so inline HTML output is possible). */
export function inNotebook(): boolean {
  return typeof (globalThis as Record<string, unknown>)["$$"] !== "undefined" || process.env["JPY_PARENT_PID"] !== undefined || process.argv.some((a) => a.includes("tslab"));
}

let bundleShown = false;

/** Inlines plotly.js once per kernel session (offline; ~4.8 MB in the executed notebook). */
export function loadPlotly(force = false): void {
  if (bundleShown && !force) return;
  const d = tslabDisplay();
  if (!d) return;
  d.html(plotlyBundleHtml());
  bundleShown = true;
}

/** Shows a figure inline in the notebook (loading plotly first when needed). Outside a notebook, prints a one-line summary. */
export function show(fig: Figure, height?: number): void {
  const d = tslabDisplay();
  if (!d || !inNotebook()) {
    const title = (fig.layout["title"] as { text?: string } | undefined)?.text ?? "figure";
    process.stdout.write(`[figure] ${title}: ${fig.data.length} trace(s)\n`);
    return;
  }
  loadPlotly();
  d.html(plotlyFigureHtml(fig, height));
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Renders rows (objects) as an HTML table inline, or as text outside a notebook. */
export function showTable(rows: readonly Record<string, unknown>[], opts: { title?: string; maxRows?: number; digits?: number } = {}): void {
  const max = opts.maxRows ?? 50;
  const cols = rows.length > 0 ? Object.keys(rows[0]!) : [];
  const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(opts.digits ?? 4)) : v === null || v === undefined ? "" : String(v));
  const shown = rows.slice(0, max);
  const d = tslabDisplay();
  if (!d || !inNotebook()) {
    if (opts.title) process.stdout.write(`${opts.title}\n`);
    const w = cols.map((c) => Math.max(c.length, ...shown.map((r) => fmt(r[c]).length)));
    process.stdout.write(cols.map((c, j) => c.padStart(w[j]!)).join("  ") + "\n");
    for (const r of shown) process.stdout.write(cols.map((c, j) => fmt(r[c]).padStart(w[j]!)).join("  ") + "\n");
    if (rows.length > max) process.stdout.write(`... ${rows.length - max} more rows\n`);
    return;
  }
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join("");
  const body = shown.map((r) => `<tr>${cols.map((c) => `<td>${esc(fmt(r[c]))}</td>`).join("")}</tr>`).join("");
  const more = rows.length > max ? `<div style="color:#888">${rows.length - max} more rows</div>` : "";
  d.html(`${opts.title ? `<b>${esc(opts.title)}</b>` : ""}<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`);
}
