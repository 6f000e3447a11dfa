import type { ScheduleKind } from "../config/schemas/ppo";

/**
 * A value that moves from `start` to `end` as training progresses from 0 to 1: constant (stays at
 * start), linear, or cosine (half a cosine period: slow, fast, slow).
 */
export function scheduled(start: number, end: number, kind: ScheduleKind, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  if (kind === "constant") return start;
  if (kind === "linear") return start + (end - start) * p;
  return end + (start - end) * 0.5 * (1 + Math.cos(Math.PI * p));
}
