import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderReportHtml, writeReportHtml } from "../../lib/infra/html-report";
import { figureJson, plotlyFigureHtml } from "../../lib/infra/plotly-html";
import { writeFileAtomic } from "../../lib/infra/fs-atomic";

describe("HTML rendering", () => {
  it("serialises typed arrays as arrays and NaN as null", () => {
    const json = figureJson({ data: [{ type: "scatter", y: new Float64Array([1, Number.NaN, 3]) }], layout: {} });
    expect(json).toContain('"y":[1,null,3]');
  });

  it("escapes closing tags inside figure JSON so the script element cannot end early", () => {
    const html = plotlyFigureHtml({ data: [{ type: "scatter", name: "</script><b>" }], layout: {} });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it("writes a standalone report that inlines plotly and every figure", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const path = writeReportHtml(join(dir, "r.html"), "Run <1>", [
      { kind: "heading", text: "Metrics" },
      { kind: "table", header: ["metric", "value"], rows: [["sharpe", 1.23456], ["trades", 1200]] },
      { kind: "figure", figure: { data: [{ type: "scatter", y: [1, 2] }], layout: {} } },
    ]);
    const html = readFileSync(path, "utf8");
    expect(html.length).toBeGreaterThan(3_000_000); // plotly bundle inlined: works offline
    expect(html).toContain("<title>Run &lt;1&gt;</title>");
    expect(html).toContain("<td>1,200</td>");
    expect(html).toContain("Plotly.newPlot");
    expect(html).not.toContain("src=\"http");
    expect(readdirSync(dir)).toEqual(["r.html"]);
    expect(renderReportHtml("t", [])).toContain("<h1>t</h1>");
  });

  it("replaces files atomically and leaves no temp file behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "atomic-"));
    const p = join(dir, "a.json");
    writeFileAtomic(p, "one");
    writeFileAtomic(p, "two");
    expect(readFileSync(p, "utf8")).toBe("two");
    expect(readdirSync(dir)).toEqual(["a.json"]);
    expect(() => writeFileAtomic(join(dir, "a.json", "x"), "y")).toThrow();
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });
});
