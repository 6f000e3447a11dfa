import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../core/rng";
import type { Activation } from "../config/schemas/ppo";

/**
 * A multilayer perceptron whose weights live in a slice of one flat parameter vector. The forward
 * pass is tf ops that keep what the backward pass needs; the backward pass is written out by hand
 * (dW = h^T dZ, dh = dZ W^T), which on the WASM backend is several times faster than the autodiff
 * tape (the tape's transposed matmuls are ~8x slower than transposing first). The same maths runs in
 * plain JS (`mlpForwardJs`) for allocation-free inference on small batches.
 */
export interface DenseLayout {
  inSize: number;
  outSize: number;
  /** Offset of the [inSize, outSize] row-major kernel in the flat vector. */
  kernelOffset: number;
  /** Offset of the [outSize] bias. */
  biasOffset: number;
}

export interface MlpLayout {
  name: string;
  activation: Activation;
  inSize: number;
  outSize: number;
  layers: DenseLayout[];
  /** First and one-past-last index of this network in the flat vector. */
  start: number;
  end: number;
}

/** Appends an MLP's parameters at `offset`; the last layer is linear. */
export function mlpLayout(name: string, inSize: number, hidden: readonly number[], outSize: number, activation: Activation, offset: number): MlpLayout {
  const sizes = [inSize, ...hidden, outSize];
  const layers: DenseLayout[] = [];
  let o = offset;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const i = sizes[l]!;
    const j = sizes[l + 1]!;
    layers.push({ inSize: i, outSize: j, kernelOffset: o, biasOffset: o + i * j });
    o += i * j + j;
  }
  return { name, activation, inSize, outSize, layers, start: offset, end: o };
}

/**
 * Orthogonal initialisation (Saxe et al.; the PPO default): each kernel is a random orthogonal
 * matrix times `gain` (sqrt(2) for hidden layers, `outputGain` for the last), biases zero. Drawn from
 * the injected Rng so a seed reproduces the network exactly.
 */
export function initMlp(layout: MlpLayout, params: Float32Array, rng: Rng, outputGain: number): void {
  layout.layers.forEach((d, l) => {
    const gain = l === layout.layers.length - 1 ? outputGain : Math.SQRT2;
    const q = orthogonal(d.inSize, d.outSize, rng);
    for (let k = 0; k < q.length; k++) params[d.kernelOffset + k] = gain * q[k]!;
    params.fill(0, d.biasOffset, d.biasOffset + d.outSize);
  });
}

/** A rows x cols matrix with orthonormal rows or columns (whichever are fewer), row-major. */
export function orthogonal(rows: number, cols: number, rng: Rng): Float64Array {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // vector length
  const k = tall ? cols : rows; // number of orthonormal vectors
  const vs: Float64Array[] = [];
  while (vs.length < k) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (const u of vs) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i]! -= dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-8) continue; // degenerate draw: try again
    for (let i = 0; i < n; i++) v[i]! /= norm;
    vs.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = tall ? vs[c]![r]! : vs[r]![c]!;
  }
  return out;
}

/** What the backward pass needs from a forward pass. */
export interface MlpTrace {
  /** Input of each layer (layer 0: the network input). */
  inputs: tf.Tensor2D[];
  /** Kernel of each layer. */
  kernels: tf.Tensor2D[];
  /** Activated output of each hidden layer. */
  hidden: tf.Tensor2D[];
  out: tf.Tensor2D;
}

function sliceKernel(theta: tf.Tensor1D, d: DenseLayout): tf.Tensor2D {
  return tf.reshape(tf.slice(theta, d.kernelOffset, d.inSize * d.outSize), [d.inSize, d.outSize]);
}

/**
 * act(h W + b). tanh is computed as 2 sigmoid(2z) - 1 with the doubling folded into the (small)
 * weights and the sigmoid fused into the matmul: WASM's sigmoid is vectorised, its tanh ~10x slower.
 */
function denseActivated(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, a: Activation): tf.Tensor2D {
  if (a === "tanh") {
    const s = tf.fused.matMul({ a: h, b: tf.mul(w, 2), bias: tf.mul(b, 2), activation: "sigmoid" });
    return tf.sub(tf.mul(s, 2), 1);
  }
  return tf.fused.matMul({ a: h, b: w, bias: b, activation: a === "relu" ? "relu" : "elu" }) as tf.Tensor2D;
}

/** d activation / d z, from the activation's output y. */
function activationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, a: Activation): tf.Tensor2D {
  if (a === "relu") return tf.mul(dy, tf.step(y));
  if (a === "elu") return tf.mul(dy, tf.add(tf.minimum(y, 0), 1)); // y > 0: 1; else y + 1 = e^z
  return tf.mul(dy, tf.sub(1, tf.square(y)));
}

/** Forward pass over a [batch, inSize] input; call inside tf.tidy. */
export function mlpForward(layout: MlpLayout, theta: tf.Tensor1D, x: tf.Tensor2D): MlpTrace {
  const inputs: tf.Tensor2D[] = [];
  const kernels: tf.Tensor2D[] = [];
  const hidden: tf.Tensor2D[] = [];
  let h = x;
  layout.layers.forEach((d, l) => {
    const w = sliceKernel(theta, d);
    const b = tf.slice(theta, d.biasOffset, d.outSize);
    inputs.push(h);
    kernels.push(w);
    if (l === layout.layers.length - 1) h = tf.fused.matMul({ a: h, b: w, bias: b }) as tf.Tensor2D;
    else {
      h = denseActivated(h, w, b, layout.activation);
      hidden.push(h);
    }
  });
  return { inputs, kernels, hidden, out: h };
}

/**
 * Backward pass: given dLoss/dOut, the gradients of the network's parameters as flat pieces in
 * layout order (kernel 0, bias 0, kernel 1, ...). The input's gradient is not computed. The kernel
 * gradient is x^T dZ with x transposed first (matMul's transposeA has no fast path on WASM); the bias
 * gradient is 1^T dZ (a matmul beats sum over axis 0 there). `inputT` (the transposed network input)
 * can be shared by networks reading the same input.
 */
export function mlpBackward(layout: MlpLayout, trace: MlpTrace, dOut: tf.Tensor2D, onesRow: tf.Tensor2D, inputT?: tf.Tensor2D): tf.Tensor1D[] {
  const n = layout.layers.length;
  const pieces: tf.Tensor1D[] = new Array<tf.Tensor1D>(2 * n);
  let dz = dOut;
  for (let l = n - 1; l >= 0; l--) {
    const xT = l === 0 && inputT !== undefined ? inputT : tf.transpose(trace.inputs[l]!);
    pieces[2 * l] = tf.reshape(tf.matMul(xT, dz), [-1]);
    pieces[2 * l + 1] = tf.reshape(tf.matMul(onesRow, dz), [-1]);
    if (l > 0) {
      const dh = tf.matMul(dz, tf.transpose(trace.kernels[l]!)) as tf.Tensor2D;
      dz = activationGrad(dh, trace.hidden[l - 1]!, layout.activation);
    }
  }
  return pieces;
}

/** An MLP's weights for the plain-JS forward pass: float64, each kernel transposed to [out][in]. */
export interface MlpJsWeights {
  activation: Activation;
  layers: { inSize: number; outSize: number; kernelT: Float64Array; bias: Float64Array }[];
}

export function mlpJsWeights(layout: MlpLayout, params: Float32Array): MlpJsWeights {
  return {
    activation: layout.activation,
    layers: layout.layers.map((d) => {
      const kernelT = new Float64Array(d.inSize * d.outSize);
      for (let i = 0; i < d.inSize; i++) {
        for (let j = 0; j < d.outSize; j++) kernelT[j * d.inSize + i] = params[d.kernelOffset + i * d.outSize + j]!;
      }
      return { inSize: d.inSize, outSize: d.outSize, kernelT, bias: Float64Array.from(params.subarray(d.biasOffset, d.biasOffset + d.outSize)) };
    }),
  };
}

/**
 * The same forward pass in plain JS, in float64: dot products over transposed kernels with four
 * accumulators (about 3x the throughput of the naive loop in V8), no tensors, no allocation when
 * `scratch` is reused. `out` receives batch * outSize values.
 */
export function mlpForwardJs(w: MlpJsWeights, x: Float64Array, batch: number, out: Float64Array, scratch: MlpScratch): void {
  let src = x;
  const n = w.layers.length;
  const act = w.activation === "tanh" ? 0 : w.activation === "relu" ? 1 : 2;
  for (let l = 0; l < n; l++) {
    const { inSize, outSize, kernelT, bias } = w.layers[l]!;
    const last = l === n - 1;
    const dst = last ? out : l % 2 === 0 ? scratch.a : scratch.b;
    for (let r = 0; r < batch; r++) {
      const xo = r * inSize;
      const yo = r * outSize;
      for (let j = 0; j < outSize; j++) {
        const ko = j * inSize;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let i = 0;
        for (; i + 3 < inSize; i += 4) {
          s0 += src[xo + i]! * kernelT[ko + i]!;
          s1 += src[xo + i + 1]! * kernelT[ko + i + 1]!;
          s2 += src[xo + i + 2]! * kernelT[ko + i + 2]!;
          s3 += src[xo + i + 3]! * kernelT[ko + i + 3]!;
        }
        for (; i < inSize; i++) s0 += src[xo + i]! * kernelT[ko + i]!;
        dst[yo + j] = bias[j]! + (s0 + s1 + s2 + s3);
      }
      if (!last) activateJs(dst, yo, outSize, act);
    }
    src = dst;
  }
}

/** 0 tanh, 1 relu, 2 elu. */
function activateJs(v: Float64Array, off: number, len: number, act: number): void {
  const end = off + len;
  if (act === 0) {
    for (let j = off; j < end; j++) v[j] = Math.tanh(v[j]!);
  } else if (act === 1) {
    for (let j = off; j < end; j++) if (v[j]! < 0) v[j] = 0;
  } else {
    for (let j = off; j < end; j++) if (v[j]! < 0) v[j] = Math.expm1(v[j]!);
  }
}

/** Reusable buffers for `mlpForwardJs` (sized for the widest layer and largest batch). */
export interface MlpScratch {
  a: Float64Array;
  b: Float64Array;
}

export function mlpScratch(layout: { layers: readonly { outSize: number }[] }, maxBatch: number): MlpScratch {
  const widest = Math.max(...layout.layers.map((d) => d.outSize));
  return { a: new Float64Array(widest * maxBatch), b: new Float64Array(widest * maxBatch) };
}
