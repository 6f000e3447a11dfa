import { z } from "zod";
import { conformalSchema, type ConformalConfig } from "../config/schemas/conformal";
import { TradelabError } from "../core/errors";
import type { CoverageTrackerState } from "./coverage";

/** Format tag and version of a saved calibration state (stored next to a checkpoint). */
export const CONFORMAL_STATE_FORMAT = "tradelab.conformal-state";
export const CONFORMAL_STATE_VERSION = 1;

/**
 * Everything needed to resume conformal calibration exactly: the config it was built with, the
 * scores window (oldest first), the adaptive miscoverage alpha_t and the coverage tracker. Plain JSON:
 * infinite widths are stored as null.
 */
export interface ConformalState {
  format: typeof CONFORMAL_STATE_FORMAT;
  version: typeof CONFORMAL_STATE_VERSION;
  config: ConformalConfig;
  /** The miscoverage level the next interval uses (alpha_t; equals alpha for the split method). */
  alphaT: number;
  /** Number of adaptive updates applied so far. */
  updates: number;
  /** Conformity scores in the calibration window, oldest first. */
  scores: number[];
  coverage: CoverageTrackerState;
  /** Forecasts awaiting their outcome, oldest first (q-hat as a number or "Infinity" / "-Infinity"). */
  pending: { lo: number; hi: number; qhat: EncodedQhat }[];
}

/** q-hat in JSON: a finite number, or the unbounded cases spelled out (JSON has no Infinity). */
export type EncodedQhat = number | "Infinity" | "-Infinity";

export function encodeQhat(q: number): EncodedQhat {
  if (q === Number.POSITIVE_INFINITY) return "Infinity";
  if (q === Number.NEGATIVE_INFINITY) return "-Infinity";
  return q;
}

export function decodeQhat(q: EncodedQhat): number {
  if (q === "Infinity") return Number.POSITIVE_INFINITY;
  if (q === "-Infinity") return Number.NEGATIVE_INFINITY;
  return q;
}

const finite = z.number().finite();
const count = z.number().int().min(0);

const coverageStateSchema = z
  .strictObject({
    window: z.number().int().min(1),
    hits: z.array(z.union([z.literal(0), z.literal(1)])),
    widths: z.array(z.number().finite().min(0).nullable()),
    totalCount: count,
    totalCovered: count,
    totalFiniteWidthSum: finite.min(0),
    totalInfinite: count,
  })
  .superRefine((s, ctx) => {
    if (s.hits.length !== s.widths.length) ctx.addIssue({ code: "custom", path: ["widths"], message: `has ${s.widths.length} entries, hits has ${s.hits.length}` });
    if (s.hits.length > s.window) ctx.addIssue({ code: "custom", path: ["hits"], message: `has ${s.hits.length} entries, more than the window ${s.window}` });
    if (s.totalCovered > s.totalCount) ctx.addIssue({ code: "custom", path: ["totalCovered"], message: "exceeds totalCount" });
    if (s.totalInfinite > s.totalCount) ctx.addIssue({ code: "custom", path: ["totalInfinite"], message: "exceeds totalCount" });
  });

const conformalStateSchema = z
  .strictObject({
    format: z.literal(CONFORMAL_STATE_FORMAT),
    version: z.literal(CONFORMAL_STATE_VERSION),
    config: conformalSchema,
    alphaT: finite,
    updates: count,
    scores: z.array(finite),
    coverage: coverageStateSchema,
    pending: z.array(z.strictObject({ lo: finite, hi: finite, qhat: z.union([finite, z.literal("Infinity"), z.literal("-Infinity")]) })),
  })
  .superRefine((s, ctx) => {
    if (s.scores.length > s.config.calibrationWindow) {
      ctx.addIssue({ code: "custom", path: ["scores"], message: `has ${s.scores.length} entries, more than calibrationWindow ${s.config.calibrationWindow}` });
    }
    if (s.pending.length > s.config.horizon) {
      ctx.addIssue({ code: "custom", path: ["pending"], message: `has ${s.pending.length} forecasts, more than horizon ${s.config.horizon}` });
    }
  });

/**
 * Validates an unknown value (e.g. parsed JSON from a checkpoint) as a conformal state. Throws
 * STATE_CORRUPT naming the first bad key path and the source when given.
 */
export function parseConformalState(value: unknown, source = "conformal state"): ConformalState {
  const r = conformalStateSchema.safeParse(value);
  if (r.success) return r.data as ConformalState;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join(".") || "(root)";
  throw new TradelabError("STATE_CORRUPT", `${source}: ${path}: ${issue.message}`, {
    details: { source, path, issues: r.error.issues.length },
  });
}
