import type { Figure } from "../core/figure";
import { writeFileAtomic } from "./fs-atomic";
import { plotlyBundleSource, plotlyFigureHtml } from "./plotly-html";

/** One block of a report: a heading, a table, free text or a figure. */
export type ReportBlock =
  | { kind: "heading"; text: string }
  | { kind: "text"; text: string }
  | { kind: "table"; header: readonly string[]; rows: readonly (readonly (string | number)[])[] }
  | { kind: "figure"; figure: Figure; height?: number };

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function tableHtml(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const th = header.map((h) => `<th>${esc(h)}</th>`).join("");
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(typeof c === "number" ? formatNumber(c) : c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(2) : a >= 1 ? v.toFixed(4) : v.toPrecision(4);
}

/** A standalone HTML page with plotly inlined: opens offline in any browser. */
export function renderReportHtml(title: string, blocks: readonly ReportBlock[]): string {
  const body = blocks
    .map((b) => {
      switch (b.kind) {
        case "heading":
          return `<h2>${esc(b.text)}</h2>`;
        case "text":
          return `<p>${esc(b.text)}</p>`;
        case "table":
          return tableHtml(b.header, b.rows);
        case "figure":
          return `<div class="fig">${plotlyFigureHtml(b.figure, b.height)}</div>`;
      }
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f3f3f8}td:first-child,th:first-child{text-align:left}.fig{margin:10px 0}</style>
<script type="text/javascript">${plotlyBundleSource()}</script>
</head><body><h1>${esc(title)}</h1>
${body}
</body></html>
`;
}

/** Renders and writes the report atomically; returns the path. */
export function writeReportHtml(path: string, title: string, blocks: readonly ReportBlock[]): string {
  writeFileAtomic(path, renderReportHtml(title, blocks));
  return path;
}
