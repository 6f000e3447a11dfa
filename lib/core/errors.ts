/**
 * The error tree. Every error carries a stable `code` (safe to match on, never reworded) and says
 * whether retrying the same action may succeed. Expected outcomes are returned as `Result` values
 * carrying one of these; broken invariants are thrown.
 */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_IMPORT_CYCLE"
  | "CONFIG_NOT_FOUND"
  | "CONFIG_ENV_MISSING"
  | "DATA_INVALID"
  | "DATA_NOT_FOUND"
  | "QUERY_FAILED"
  | "INVALID_ARGUMENT"
  | "INVARIANT"
  | "ORDER_INVALID"
  | "ORDER_TRANSITION"
  | "ORDER_REJECTED"
  | "ORDER_NOT_FOUND"
  /** An order request got no answer and the venue could not yet tell whether the order exists. */
  | "ORDER_OUTCOME_UNKNOWN"
  | "FILTER_REJECTED"
  | "UNKNOWN_SYMBOL"
  | "RISK_DENIED"
  | "KILL_SWITCH"
  | "VENUE_REJECTED"
  | "VENUE_UNAVAILABLE"
  | "VENUE_TIMEOUT"
  | "VENUE_AUTH"
  | "RATE_LIMITED"
  | "IP_BANNED"
  | "CLOCK_DRIFT"
  | "PARSE_ERROR"
  | "STATE_CORRUPT"
  | "CHECKPOINT_INVALID"
  | "TRIAL_FAILED"
  | "SCHEMA_MISMATCH";

export interface TradelabErrorOptions {
  /** Whether repeating the same action later may succeed. Default false. */
  retryable?: boolean;
  /** Structured context (symbol, file, key path, raw payload...). Never secrets. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class TradelabError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: TradelabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** Bad configuration: names the file and the key path. */
export class ConfigError extends TradelabError {
  constructor(message: string, details: { file?: string; path?: string } & Record<string, unknown> = {}, code: ErrorCode = "CONFIG_INVALID") {
    super(code, message, { details });
  }
}

/** Corrupt or malformed input data: names the file, line or row, and the symbol when known. */
export class DataError extends TradelabError {
  constructor(message: string, details: Record<string, unknown> = {}, code: ErrorCode = "DATA_INVALID") {
    super(code, message, { details });
  }
}

/** An order that cannot be accepted as given (negative quantity, NaN price, bad transition). */
export class OrderError extends TradelabError {}

/** A venue said no or could not be reached. `retryable` tells the caller whether to back off and retry. */
export class VenueError extends TradelabError {}

/** A broken invariant: the process must stop loudly. */
export class InvariantError extends TradelabError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVARIANT", message, { details });
  }
}

export function invariant(condition: unknown, message: string, details?: Record<string, unknown>): asserts condition {
  if (!condition) throw new InvariantError(message, details);
}

export function isTradelabError(e: unknown): e is TradelabError {
  return e instanceof TradelabError;
}
