import type * as tf from "@tensorflow/tfjs";

/** Serialisable state: named flat tensors plus plain numbers (step counters). */
export interface TensorState {
  tensors: Record<string, Float32Array>;
  scalars: Record<string, number>;
}

/**
 * An optimizer over one flat parameter vector. `step` updates `params` in place from a gradient that
 * has already been scaled and clipped; call it inside tf.tidy.
 */
export interface FlatOptimizer {
  readonly kind: string;
  step(params: tf.Variable<tf.Rank.R1>, grad: tf.Tensor1D, lr: number): void;
  getState(): TensorState;
  setState(state: TensorState): void;
  dispose(): void;
}
