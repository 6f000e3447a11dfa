import { TradelabError } from "../core/errors";

/** Saved feature statistics or a feature schema that does not match (code CHECKPOINT_INVALID). */
export class CheckpointError extends TradelabError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("CHECKPOINT_INVALID", message, { details });
  }
}
