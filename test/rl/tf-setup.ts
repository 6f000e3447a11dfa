import { initTf } from "../../lib/infra/tf-backend";

/** Initialises tfjs for rl tests (WASM when available, as in production; never the optional native package). */
export async function setupTf(): Promise<string> {
  return initTf({ prefer: ["wasm", "cpu"] });
}
