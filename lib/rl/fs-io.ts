import * as tf from "@tensorflow/tfjs";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * File I/O for checkpoints. tfjs registers no `file://` handler without tfjs-node, so models are saved
 * through this IOHandler in the layout tfjs-node reads: model.json (topology + weightsManifest) and
 * weights.bin. Every file is written to a temporary name, fsynced and renamed into place.
 */

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function joinWeightData(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  return data instanceof ArrayBuffer ? data : tf.io.CompositeArrayBuffer.join(data);
}

/** An IOHandler over `<dir>/<name>.json` + `<dir>/<weights>` (defaults: model.json, weights.bin). */
export function fileIOHandler(dir: string, name = "model", weightsFile = "weights.bin"): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : joinWeightData(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
      writeFileAtomic(join(dir, weightsFile), new Uint8Array(weightData));
      const { weightData: _omit, weightSpecs, ...meta } = artifacts;
      const json = { ...meta, weightsManifest: [{ paths: [weightsFile], weights: weightSpecs ?? [] }] };
      writeFileAtomic(join(dir, `${name}.json`), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as tf.io.ModelJSON;
      const bin = readFileSync(join(dir, weightsFile));
      const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
      return { ...json, weightSpecs, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer };
    },
  };
}

/** Named float32 arrays to `<dir>/<name>.json` (specs + extra JSON) and `<dir>/<name>.bin`. */
export async function saveNamedArrays(dir: string, name: string, arrays: Record<string, Float32Array>, extra: Record<string, unknown>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors: tf.NamedTensorMap = {};
  for (const [k, v] of Object.entries(arrays)) tensors[k] = tf.tensor1d(v);
  try {
    const { data, specs } = await tf.io.encodeWeights(tensors);
    writeFileAtomic(join(dir, `${name}.bin`), new Uint8Array(data));
    writeFileAtomic(join(dir, `${name}.json`), JSON.stringify({ ...extra, weightSpecs: specs, weightsFile: `${name}.bin` }, null, 1));
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * Decodes float32 weights (the only dtype our checkpoints hold) without creating tensors, so a policy
 * can be loaded and run in plain JS before any tfjs backend is initialised.
 */
export function decodeFloat32Weights(bin: Uint8Array, specs: tf.io.WeightsManifestEntry[], where: string): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  let off = 0;
  for (const s of specs) {
    if (s.dtype !== "float32" || s.quantization !== undefined) throw new RangeError(`${where}: weight ${s.name} is ${s.dtype}${s.quantization ? " (quantized)" : ""}; only float32 is supported`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (off + n * 4 > bin.byteLength) throw new RangeError(`${where}: weights file is shorter than its manifest (${bin.byteLength} bytes)`);
    const copy = new Uint8Array(n * 4);
    copy.set(bin.subarray(off, off + n * 4));
    out[s.name] = new Float32Array(copy.buffer);
    off += n * 4;
  }
  if (off !== bin.byteLength) throw new RangeError(`${where}: weights file has ${bin.byteLength - off} bytes more than its manifest`);
  return out;
}

/** Reads what `saveNamedArrays` wrote: the arrays and the extra JSON. */
export function loadNamedArrays(dir: string, name: string): { arrays: Record<string, Float32Array>; extra: Record<string, unknown> } {
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as Record<string, unknown> & { weightSpecs: tf.io.WeightsManifestEntry[] };
  const arrays = decodeFloat32Weights(readFileSync(join(dir, `${name}.bin`)), json.weightSpecs, join(dir, `${name}.bin`));
  const { weightSpecs: _s, weightsFile: _f, ...extra } = json;
  return { arrays, extra };
}
