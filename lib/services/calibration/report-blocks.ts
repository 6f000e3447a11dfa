import type { Figure } from "../../core/figure";

/**
 * A piece of a calibration report: the same shape the HTML report writer takes (lib/infra
 * html-report ReportBlock), built here without I/O so notebooks can show the same content inline.
 */
export type CalibrationBlock =
  | { kind: "heading"; text: string }
  | { kind: "text"; text: string }
  | { kind: "table"; header: readonly string[]; rows: readonly (readonly (string | number)[])[] }
  | { kind: "figure"; figure: Figure; height?: number };

/** A titled figure (for notebooks: display each one inline). */
export interface TitledFigure {
  title: string;
  figure: Figure;
}

/** Fixed-decimal text for tables; "n/a" for NaN. */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return "n/a";
  const a = Math.abs(x);
  if (a !== 0 && (a < 10 ** -digits || a >= 1e7)) return x.toExponential(3);
  return x.toFixed(digits);
}

/** "value ± se" (se left out when unknown). */
export function withSe(x: number, se: number, digits = 4): string {
  return Number.isFinite(se) ? `${fmt(x, digits)} ± ${fmt(se, digits)}` : fmt(x, digits);
}

/** Evenly strided indices (at most `max`) so large scatters stay light in HTML and notebooks. */
export function strided(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = n / max;
  return Array.from({ length: max }, (_, i) => Math.floor(i * step));
}
