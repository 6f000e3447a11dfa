import * as tf from "@tensorflow/tfjs";
import { setThreadsCount } from "@tensorflow/tfjs-backend-wasm"; // registers the "wasm" backend

/**
 * tfjs backend selection: native TensorFlow (the optional `tfjs-node-native` package) when it loads,
 * else WASM (SIMD, one thread: Node has no WASM threads), else the pure-JS cpu backend. The chosen
 * backend is logged and returned so checkpoints can record it. No op may run before this resolves
 * (importing the WASM backend makes it the default before it is initialised).
 */
export type TfBackend = "tensorflow" | "wasm" | "cpu";
export const TF_BACKENDS: readonly TfBackend[] = ["tensorflow", "wasm", "cpu"];

export interface TfBackendLog {
  info(obj: Record<string, unknown>, msg?: string): void;
  debug?(obj: Record<string, unknown>, msg?: string): void;
}

export interface InitTfOptions {
  /** Order of preference. Default tensorflow, wasm, cpu. */
  prefer?: readonly TfBackend[];
  logger?: TfBackendLog;
}

/** The preference order for a config setting (`run.tfBackend`): auto, or one backend first. */
export function backendPreference(setting: "auto" | TfBackend): TfBackend[] {
  return setting === "auto" ? [...TF_BACKENDS] : [setting, ...TF_BACKENDS.filter((b) => b !== setting)];
}

export async function initTf(opts: InitTfOptions = {}): Promise<TfBackend> {
  const prefer = opts.prefer ?? TF_BACKENDS;
  const failures: string[] = [];
  for (const b of prefer) {
    try {
      if (b === "tensorflow") {
        const name = "tfjs-node-native"; // a variable, so the compiler does not try to resolve the optional package
        await import(name);
      }
      if (b === "wasm") setThreadsCount(1);
      if (await tf.setBackend(b)) {
        await tf.ready();
        opts.logger?.info({ backend: b, tried: failures }, `tfjs backend: ${b}`);
        return b;
      }
      failures.push(`${b}: not available`);
    } catch (e) {
      failures.push(`${b}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
      opts.logger?.debug?.({ backend: b, error: failures[failures.length - 1] }, "tfjs backend unavailable");
    }
  }
  throw new Error(`no tfjs backend could be initialised (${failures.join("; ")})`);
}

/** The active backend's name, or undefined before initTf. */
export function currentTfBackend(): string | undefined {
  try {
    return tf.getBackend() || undefined;
  } catch {
    return undefined;
  }
}

export { tf };
