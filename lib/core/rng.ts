/** Seeded randomness. The only implementation lives in lib/sim/rng.ts; everything else receives one. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** The seed this generator was created with. */
  readonly seed: number;
  /** Serialisable internal state, to resume a stream exactly. */
  getState(): number[];
  setState(state: readonly number[]): void;
}
