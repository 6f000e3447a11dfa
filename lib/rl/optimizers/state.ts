import { TradelabError } from "../../core/errors";

/** A saved optimizer or scaler state that does not fit the networks being restored. */
export function stateError(what: string, size: number): TradelabError {
  return new TradelabError("CHECKPOINT_INVALID", `${what} state is missing entries or does not match ${size} parameters`, { details: { what, size } });
}
