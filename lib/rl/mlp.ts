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

/** tanh as 2 sigmoid(2x) - 1: WASM's sigmoid is vectorised, its tanh is ~10x slower. */
function activate(z: tf.Tensor2D, a: Activation): tf.Tensor2D {
  if (a === "relu") return tf.relu(z);
  if (a === "elu") return tf.elu(z);
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(z, 2)), 2), 1);
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
    const z = tf.fused.matMul({ a: h, b: w, bias: b }) as tf.Tensor2D;
    if (l === layout.layers.length - 1) h = z;
    else {
      h = activate(z, layout.activation);
      hidden.push(h);
    }
  });
  return { inputs, kernels, hidden, out: h };
}

/**
 * Backward pass: given dLoss/dOut, the gradients of the network's parameters as flat pieces in
 * layout order (kernel 0, bias 0, kernel 1, ...). The input's gradient is not computed.
 */
export function mlpBackward(layout: MlpLayout, trace: MlpTrace, dOut: tf.Tensor2D, ones: tf.Tensor2D): tf.Tensor1D[] {
  const n = layout.layers.length;
  const pieces: tf.Tensor1D[] = new Array<tf.Tensor1D>(2 * n);
  let dz = dOut;
  for (let l = n - 1; l >= 0; l--) {
    const x = trace.inputs[l]!;
    // transpose explicitly: matMul(..., transposeA) has no fast path on WASM
    pieces[2 * l] = tf.reshape(tf.matMul(tf.transpose(x), dz), [-1]);
    pieces[2 * l + 1] = tf.reshape(tf.matMul(ones, dz), [-1]); // column sums, faster than sum(axis 0)
    if (l > 0) {
      const dh = tf.matMul(dz, tf.transpose(trace.kernels[l]!)) as tf.Tensor2D;
      dz = activationGrad(dh, trace.hidden[l - 1]!, layout.activation);
    }
  }
  return pieces;
}

/**
 * The same forward pass in plain JS over Float32Array weights (float64 arithmetic): no tensors, no
 * allocation when `scratch` is reused. `out` receives batch * outSize values.
 */
export function mlpForwardJs(layout: MlpLayout, params: Float32Array, x: Float32Array, batch: number, out: Float64Array, scratch: MlpScratch): void {
  let src: Float32Array | Float64Array = x;
  const n = layout.layers.length;
  for (let l = 0; l < n; l++) {
    const d = layout.layers[l]!;
    const last = l === n - 1;
    const dst = last ? out : l % 2 === 0 ? scratch.a : scratch.b;
    for (let r = 0; r < batch; r++) {
      const xo = r * d.inSize;
      const yo = r * d.outSize;
      for (let j = 0; j < d.outSize; j++) dst[yo + j] = params[d.biasOffset + j]!;
      for (let i = 0; i < d.inSize; i++) {
        const xi = src[xo + i]!;
        if (xi === 0) continue;
        const ko = d.kernelOffset + i * d.outSize;
        for (let j = 0; j < d.outSize; j++) dst[yo + j] = dst[yo + j]! + xi * params[ko + j]!;
      }
      if (!last) activateJs(dst, yo, d.outSize, layout.activation);
    }
    src = dst;
  }
}

function activateJs(v: Float64Array, off: number, len: number, a: Activation): void {
  for (let j = off; j < off + len; j++) {
    const z = v[j]!;
    v[j] = a === "tanh" ? Math.tanh(z) : a === "relu" ? (z > 0 ? z : 0) : z > 0 ? z : Math.expm1(z);
  }
}

/** Reusable buffers for `mlpForwardJs` (sized for the widest layer and largest batch). */
export interface MlpScratch {
  a: Float64Array;
  b: Float64Array;
}

export function mlpScratch(layout: MlpLayout, maxBatch: number): MlpScratch {
  const widest = Math.max(...layout.layers.map((d) => d.outSize));
  return { a: new Float64Array(widest * maxBatch), b: new Float64Array(widest * maxBatch) };
}
