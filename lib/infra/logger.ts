import pino from "pino";
import type { LoggingConfig, LogLevel } from "../config/schemas/logging";
import { collectSecretValues } from "../config/mask";
import { formatPrettyLine, redactKeys } from "./log-format";
import { globalSecrets, type SecretRegistry } from "./secret-registry";

/**
 * Structured logging (pino): one JSON object per line, or one readable line per event when stdout
 * is a terminal. Secrets are masked twice: values under secret-looking keys (apiKey, apiSecret,
 * token, ...) become "***" before serialisation, and every registered secret VALUE is replaced by
 * "***" in the finished line, wherever it appears (message, bindings, error text, URLs).
 */
export type Logger = pino.Logger;
export type { LogLevel };

/** Where lines go: anything with write(string); `isTTY` selects the readable form in `auto` mode. */
export interface LogStream {
  write(line: string): unknown;
  isTTY?: boolean;
}

export interface LoggerOptions {
  /** Default "info". */
  level?: LogLevel;
  /** auto (default): readable on a TTY, JSON otherwise. */
  format?: "auto" | "json" | "pretty";
  /** Logger name, shown as the line's tag. */
  name?: string;
  /** Default process.stdout. */
  stream?: LogStream;
  /** Also append JSON lines (masked) to this file; its folder is created. */
  file?: string;
  /** Secret values to mask. Default: the process-wide registry (`registerSecret`). */
  secrets?: SecretRegistry;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
  /** Timestamp source, ms UTC (tests pass a fixed clock). Default Date.now. */
  now?: () => number;
  /** ANSI colours in the readable form. Default: when the stream is a TTY and NO_COLOR is unset. */
  color?: boolean;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const out: LogStream = opts.stream ?? process.stdout;
  const secrets = opts.secrets ?? globalSecrets;
  const pretty = opts.format === "pretty" || ((opts.format ?? "auto") === "auto" && out.isTTY === true);
  const color = opts.color ?? (out.isTTY === true && process.env.NO_COLOR === undefined);
  const file = opts.file ? pino.destination({ dest: opts.file, sync: true, mkdir: true, append: true }) : undefined;
  const now = opts.now ?? Date.now;

  const sink = {
    write(line: string): void {
      const safe = secrets.mask(line);
      file?.write(safe);
      out.write(pretty ? formatPrettyLine(safe, color) : safe);
    },
  };

  const logger = pino(
    {
      level: opts.level ?? "info",
      name: opts.name,
      base: { pid: process.pid, ...opts.base },
      timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
      messageKey: "msg",
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (b) => redactKeys(b) as Record<string, unknown>,
        log: (o) => redactKeys(o) as Record<string, unknown>,
      },
    },
    sink,
  );
  // pino applies formatters.bindings to the root only; child bindings pass through here instead.
  const proto = Object.getPrototypeOf(logger) as Logger;
  const protoChild = proto.child as unknown as (this: Logger, b: pino.Bindings, o?: pino.ChildLoggerOptions) => Logger;
  const protoSetBindings = proto.setBindings as (this: Logger, b: pino.Bindings) => void;
  logger.child = function (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) {
    return protoChild.call(this, redactKeys(bindings) as pino.Bindings, options);
  } as unknown as Logger["child"];
  logger.setBindings = function (this: Logger, bindings: pino.Bindings) {
    protoSetBindings.call(this, redactKeys(bindings) as pino.Bindings);
  };
  return logger;
}

/** A logger configured by a `logging:` section; the config's own secret values are registered first. */
export function createLoggerFromConfig(logging: Readonly<LoggingConfig>, config?: unknown, opts: Omit<LoggerOptions, "level" | "format" | "file"> = {}): Logger {
  if (config !== undefined) registerConfigSecrets(config, opts.secrets);
  return createLogger({ ...opts, level: logging.level, format: logging.format, file: logging.file });
}

/** Registers every value under a secret-looking key of `config` (API keys read from the environment). */
export function registerConfigSecrets(config: unknown, registry: SecretRegistry = globalSecrets): number {
  const values = collectSecretValues(config);
  registry.addAll(values);
  return values.length;
}

export { globalSecrets, registerSecret, SecretRegistry } from "./secret-registry";
