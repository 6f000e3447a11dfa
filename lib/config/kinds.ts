import type { z } from "zod";
import { ConfigError } from "../core/errors";
import { deepFreeze, type DeepReadonly } from "./freeze";
import { closest } from "./issues";
import { type LoadOptions, resolveConfig, type ResolvedConfig, validateConfig } from "./loader";
import {
  exchangeFileSchema,
  executionFileSchema,
  feesFileSchema,
  latencyFileSchema,
  noTradeFileSchema,
  riskFileSchema,
  slippageFileSchema,
} from "./schemas/fragments";
import { liveConfigSchema } from "./schemas/live";
import { trainConfigSchema } from "./schemas/train";

/**
 * Every config file says what it is with a top-level `kind:` (or inherits it from its imports when
 * they all agree). The kind picks the schema it is validated against.
 */
export const CONFIG_SCHEMAS = {
  train: trainConfigSchema,
  live: liveConfigSchema,
  execution: executionFileSchema,
  fees: feesFileSchema,
  slippage: slippageFileSchema,
  latency: latencyFileSchema,
  risk: riskFileSchema,
  noTrade: noTradeFileSchema,
  exchange: exchangeFileSchema,
} as const;

export type ConfigKind = keyof typeof CONFIG_SCHEMAS;
export const CONFIG_KINDS = Object.keys(CONFIG_SCHEMAS) as ConfigKind[];

/** The validated, frozen config of a kind. */
export type ConfigOf<K extends ConfigKind> = DeepReadonly<z.output<(typeof CONFIG_SCHEMAS)[K]>>;

export type AnyConfig = { [K in ConfigKind]: { kind: K; config: ConfigOf<K> } }[ConfigKind];

export function isConfigKind(s: unknown): s is ConfigKind {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(CONFIG_SCHEMAS, s);
}

function kindOf(resolved: ResolvedConfig): ConfigKind {
  const kind = resolved.value.kind;
  const line = resolved.origins.get("kind");
  const where = line ? `${line.file}${line.line === undefined ? "" : `:${line.line}`}` : resolved.file;
  if (kind === undefined) {
    throw new ConfigError(`${where}: kind: missing; add a top-level \`kind: <${CONFIG_KINDS.join(" | ")}>\` saying what this file configures`, { file: resolved.file, path: "kind" });
  }
  if (!isConfigKind(kind)) {
    const guess = typeof kind === "string" ? closest(kind, CONFIG_KINDS) : undefined;
    const hint = guess ? ` (did you mean "${guess}"?)` : `; expected one of: ${CONFIG_KINDS.join(", ")}`;
    throw new ConfigError(`${where}: kind: unknown kind ${JSON.stringify(kind)}${hint}`, { file: line?.file ?? resolved.file, line: line?.line, path: "kind" });
  }
  return kind;
}

/** Loads any config file, validating it against the schema its `kind:` names. */
export function loadAnyConfig(file: string, opts: LoadOptions = {}): AnyConfig & { resolved: ResolvedConfig } {
  const resolved = resolveConfig(file, opts);
  const kind = kindOf(resolved);
  const config = deepFreeze(validateConfig(CONFIG_SCHEMAS[kind], resolved));
  return { kind, config, resolved } as AnyConfig & { resolved: ResolvedConfig };
}

/**
 * Loads a config that must be of `kind`. A file without `kind:` is taken to be one; a file of
 * another kind is an error naming both.
 */
export function loadConfigOfKind<K extends ConfigKind>(kind: K, file: string, opts: LoadOptions = {}): ConfigOf<K> {
  const resolved = resolveConfig(file, opts);
  if (resolved.value.kind === undefined) resolved.value = { ...resolved.value, kind };
  const actual = kindOf(resolved);
  if (actual !== kind) {
    throw new ConfigError(`${resolved.file}: is a "${actual}" config, expected "${kind}"`, { file: resolved.file, path: "kind" });
  }
  return deepFreeze(validateConfig(CONFIG_SCHEMAS[kind], resolved)) as ConfigOf<K>;
}

/** config_train.yaml and the like. */
export function loadTrainConfig(file: string, opts: LoadOptions = {}): ConfigOf<"train"> {
  return loadConfigOfKind("train", file, opts);
}

/** config_live.yaml and the like. */
export function loadLiveConfig(file: string, opts: LoadOptions = {}): ConfigOf<"live"> {
  return loadConfigOfKind("live", file, opts);
}
