import type { ConformalSizingConfig } from "../config/schemas/conformal";
import { InvariantError } from "../core/errors";
import type { CoverageTracker } from "./coverage";

/** Why a target was (or was not) changed. */
export type SizingReason =
  /** sizing is off: target unchanged */
  | "off"
  /** the scale set when the target last moved is kept (no resizing on width noise alone) */
  | "held"
  /** target is flat: nothing to size */
  | "flat"
  /** scaled by the width ratio */
  | "scaled"
  /** stand-aside mode, the interval clears the edge on the target's side: kept */
  | "kept"
  /** stand-aside mode, the interval reaches the edge: flat */
  | "stand-aside"
  /** the interval is the whole line (or empty): as unsure as it gets */
  | "no-interval"
  /** scale mode without a reference width yet */
  | "no-reference";

export interface SizingDecision {
  /** The sized target position, same sign as the input, |target| never larger. */
  target: number;
  /** target / input target (1 when unchanged, 0 when flattened). */
  scale: number;
  reason: SizingReason;
}

/** An interval forecast of the return the target position earns. */
export interface SizingInterval {
  lo: number;
  hi: number;
}

/**
 * Position scale from r = width / reference: `inverse` r^-k, `linear` 1 - k (r - 1), `exponential`
 * exp(-k (r - 1)), clamped to [minScale, 1] (uncertainty never levers a position up).
 */
export function widthScale(ratio: number, fn: ConformalSizingConfig["scaleFunction"], strength: number, minScale: number): number {
  if (!(ratio >= 0)) throw new InvariantError("widthScale: ratio must be >= 0", { ratio });
  let s: number;
  if (fn === "inverse") s = ratio === 0 ? 1 : Math.pow(ratio, -strength);
  else if (fn === "linear") s = 1 - strength * (ratio - 1);
  else s = Math.exp(-strength * (ratio - 1));
  if (!(s > minScale)) return minScale; // also catches NaN from Infinity * 0 edge cases
  return s < 1 ? s : 1;
}

function decision(target: number, scale: number, reason: SizingReason): SizingDecision {
  return { target: scale === 0 ? 0 : target * scale, scale, reason };
}

function isProper(iv: SizingInterval): boolean {
  return Number.isFinite(iv.lo) && Number.isFinite(iv.hi) && iv.lo <= iv.hi;
}

/** Scale mode: shrink the target as the interval widens relative to the reference width. */
export function sizeByWidth(target: number, iv: SizingInterval, referenceWidth: number, cfg: ConformalSizingConfig): SizingDecision {
  if (target === 0) return decision(0, 1, "flat");
  if (!isProper(iv)) return decision(target, cfg.minScale, "no-interval");
  if (!(referenceWidth > 0 && Number.isFinite(referenceWidth))) return decision(target, cfg.minScale, "no-reference");
  const scale = widthScale((iv.hi - iv.lo) / referenceWidth, cfg.scaleFunction, cfg.strength, cfg.minScale);
  const step = cfg.scaleStep ?? 0;
  // quantised down (never up: sizing must not lever up), but not below the floor
  const q = step > 0 ? Math.max(cfg.minScale, Math.floor(scale / step + 1e-9) * step) : scale;
  return decision(target, Math.min(1, q), "scaled");
}

/**
 * Stand-aside mode: keep a long only while the interval's lower end exceeds `minEdge`, a short only
 * while its upper end is below -minEdge; otherwise go flat. With minEdge 0 this is "stand aside when
 * the interval includes zero edge" (or lies on the wrong side of zero).
 */
export function standAside(target: number, iv: SizingInterval, minEdge: number): SizingDecision {
  if (target === 0) return decision(0, 1, "flat");
  if (!isProper(iv)) return decision(target, 0, "no-interval");
  const worst = target > 0 ? iv.lo : -iv.hi;
  return worst > minEdge ? decision(target, 1, "kept") : decision(target, 0, "stand-aside");
}

/** Applies the configured sizing mode to a target position. Pure; `off` returns the target unchanged. */
export function sizeTarget(target: number, iv: SizingInterval, referenceWidth: number, cfg: ConformalSizingConfig): SizingDecision {
  if (!Number.isFinite(target)) throw new InvariantError("sizeTarget: non-finite target", { target });
  if (cfg.mode === "off") return decision(target, 1, "off");
  if (cfg.mode === "scale") return sizeByWidth(target, iv, referenceWidth, cfg);
  return standAside(target, iv, cfg.minEdge);
}

/** The reference width the config asks for, from a coverage tracker's window (NaN when none yet). */
export function referenceWidth(cfg: ConformalSizingConfig, tracker: CoverageTracker): number {
  if (cfg.reference === "fixed") return cfg.referenceWidth ?? Number.NaN;
  return cfg.reference === "rolling-median" ? tracker.medianFiniteWidth() : tracker.meanFiniteWidth();
}

/**
 * Keeps the scale chosen when the agent's target last moved: the scale is recomputed only when the
 * target changes side or moves by at least `resizeThreshold` (fraction of the max position) from the
 * target it was set for. Without this, a width hovering around its rolling reference would resize the
 * position every bar and pay fees for it.
 */
export class HeldSizing {
  private heldFor = Number.NaN;
  private scale = 1;

  constructor(private readonly resizeThreshold: number) {}

  size(target: number, fresh: () => SizingDecision): SizingDecision {
    if (target === 0) {
      this.heldFor = 0;
      this.scale = 1;
      return decision(0, 1, "flat");
    }
    const h = this.heldFor;
    if (h !== h || Math.sign(target) !== Math.sign(h) || Math.abs(target - h) >= this.resizeThreshold) {
      const d = fresh();
      this.heldFor = target;
      this.scale = d.scale;
      return decision(target, d.scale, d.reason);
    }
    return decision(target, this.scale, "held");
  }
}
