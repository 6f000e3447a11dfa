/**
 * The logging surface the HTTP and WebSocket clients (and the venue adapters built on them) need.
 * pino's Logger satisfies it, so does a test capture; nothing here formats or writes anything.
 */
export interface LogSink {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

const noop = (): void => undefined;

/** Discards everything. The default when no logger is given. */
export const silentLogger: LogSink = { debug: noop, info: noop, warn: noop, error: noop };
