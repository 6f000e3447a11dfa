import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Figure } from "../core/figure";

// no import.meta: tslab runs lib as CommonJS; cwd is the project root in tslab, tsx and vitest
const req = createRequire(join(process.cwd(), "package.json"));

let bundle: string | undefined;

/** The plotly.js-dist-min source, escaped for embedding inside a <script> element. */
export function plotlyBundleSource(): string {
  bundle ??= readFileSync(req.resolve("plotly.js-dist-min"), "utf8").replaceAll("</script", "<\\/script").replaceAll("<!--", "<\\!--");
  return bundle;
}

/** The whole plotly.js bundle (~4.8 MB) as one inline <script>: display once per notebook, first. Works offline. */
export function plotlyBundleHtml(): string {
  return `<script type="text/javascript">${plotlyBundleSource()}</script><div style="font:11px sans-serif;color:#888">plotly.js inlined (offline)</div>`;
}

/** Live-server-only alternative (~100 bytes in the .ipynb); needs `jupyter notebook` started from the project root. */
export function plotlyServerScriptHtml(): string {
  return `<script type="text/javascript" src="/files/node_modules/plotly.js-dist-min/plotly.min.js"></script>`;
}

const typedArrayReplacer = (_k: string, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null)) : v);

/** Figure JSON safe to embed in HTML (typed arrays become arrays, NaN becomes null). */
export function figureJson(fig: Figure): string {
  return JSON.stringify(fig, typedArrayReplacer).replaceAll("</", "<\\/");
}

let seq = 0;

/** A <div> + <script> that draws the figure once window.Plotly is present (polls briefly for it). */
export function plotlyFigureHtml(fig: Figure, height?: number): string {
  const h = height ?? (typeof fig.layout["height"] === "number" ? (fig.layout["height"] as number) : 420);
  const id = `plotly-${Date.now().toString(36)}-${seq++}`;
  return `<div id="${id}" style="width:100%;height:${h}px"></div>
<script type="text/javascript">(function(){var f=${figureJson(fig)};var n=0;function go(){if(window.Plotly){window.Plotly.newPlot("${id}",f.data,f.layout||{},Object.assign({responsive:true,displaylogo:false},f.config||{}));}else if(n++<200){setTimeout(go,50);}else{document.getElementById("${id}").textContent="plotly.js not loaded: run the plotly bundle cell first";}}go();})();</script>`;
}
