import { z } from "zod";

/**
 * Conformal prediction on the critic's return quantiles: calibrated intervals, adaptive miscoverage
 * tracking and uncertainty-aware sizing. Strict (unknown keys are errors), every default lives here;
 * nested sections use `prefault` so an absent section still gets its inner defaults.
 */

const unitOpen = z.number().finite().gt(0).lt(1);
const posInt = z.number().int().min(1);

export const conformalSizingSchema = z
  .strictObject({
    /**
     * `off`: targets pass through unchanged; `scale`: multiply the target by a function of the
     * interval width relative to a reference width; `stand-aside`: go flat when the interval of the
     * forecast return, seen from the target's side, reaches down to `minEdge` (zero edge by default).
     * Default "off".
     */
    mode: z.enum(["off", "scale", "stand-aside"]).default("off"),
    /**
     * Scale as a function of r = width / reference: `inverse` r^-strength, `linear`
     * 1 - strength (r - 1), `exponential` exp(-strength (r - 1)); clamped to [minScale, 1].
     * Default "inverse".
     */
    scaleFunction: z.enum(["inverse", "linear", "exponential"]).default("inverse"),
    /** Exponent / slope / rate of the scale function. Default 1. */
    strength: z.number().finite().gt(0).default(1),
    /**
     * Reference width: the `rolling-median` or `rolling-mean` of the finite interval widths over the
     * coverage window, or a `fixed` width (`referenceWidth`). Default "rolling-median".
     */
    reference: z.enum(["rolling-median", "rolling-mean", "fixed"]).default("rolling-median"),
    /** Reference width in forecast units (e.g. log return) when `reference` is "fixed". */
    referenceWidth: z.number().finite().gt(0).optional(),
    /** Floor of the scale (0 lets a very wide or infinite interval close the position). Default 0. */
    minScale: z.number().finite().min(0).max(1).default(0),
    /**
     * Round the scale down to a multiple of this step (0.25 gives 0, 0.25, 0.5, 0.75, 1), so small
     * changes in width do not re-size the position every bar and pay fees for it. 0 = continuous.
     * Default 0.25.
     */
    scaleStep: z.number().finite().min(0).max(1).default(0.25),
    /**
     * The scale is recomputed only when the agent's target changes side or moves by at least this
     * much (fraction of the max position); otherwise the scale set at that move is kept. 0 =
     * recompute every bar. Default 0.25.
     */
    resizeThreshold: z.number().finite().min(0).max(2).default(0.25),
    /**
     * Stand-aside threshold: stay in only while the interval's worst case on the target's side
     * exceeds this edge (forecast units, e.g. round-trip cost as a log return). Default 0.
     */
    minEdge: z.number().finite().min(0).default(0),
  })
  .superRefine((s, ctx) => {
    if (s.reference === "fixed" && s.referenceWidth === undefined) {
      ctx.addIssue({ code: "custom", path: ["referenceWidth"], message: 'referenceWidth is required when reference is "fixed"' });
    }
  });
export type ConformalSizingConfig = z.infer<typeof conformalSizingSchema>;

export const conformalSchema = z
  .strictObject({
    /** Compute conformal intervals at all. Default false. */
    enabled: z.boolean().default(false),
    /**
     * `split`: fixed miscoverage alpha over the calibration window; `adaptive`: adaptive conformal
     * inference (Gibbs & Candes 2021), alpha_t updated after every realised outcome. Default "adaptive"
     * (market returns are not exchangeable).
     */
    method: z.enum(["split", "adaptive"]).default("adaptive"),
    /** Target miscoverage; nominal coverage is 1 - alpha. Default 0.1. */
    alpha: unitOpen.default(0.1),
    /** Number of most recent conformity scores kept for calibration. Default 5000. */
    calibrationWindow: posInt.max(10_000_000).default(5000),
    /**
     * `rolling`: every realised outcome's score enters the window (the oldest leaves); `frozen`: the
     * window stays as calibrated (e.g. on the validation split) and only alpha_t adapts. Default "rolling".
     */
    calibrationUpdates: z.enum(["rolling", "frozen"]).default("rolling"),
    /** ACI step size gamma in alpha_{t+1} = alpha_t + gamma (alpha - err_t). Default 0.005. */
    gamma: z.number().finite().gt(0).max(1).default(0.005),
    /**
     * Bars between a forecast and its realised outcome (1: the next bar's return). An outcome enters
     * the calibration only once realised, so later intervals never see it early. Default 1.
     */
    horizon: posInt.max(100_000).default(1),
    /** Number of most recent outcomes in the rolling coverage and width statistics. Default 1000. */
    coverageWindow: posInt.max(10_000_000).default(1000),
    /** Uncertainty-aware position sizing (off by default). */
    sizing: conformalSizingSchema.prefault({}),
  });
export type ConformalConfig = z.infer<typeof conformalSchema>;
