/** The config system: one YAML loader, strict schemas per file kind, secret masking. */
export { deepFreeze, type DeepReadonly } from "./freeze";
export { type Env, interpolate } from "./interpolate";
export { type ConfigIssue, formatIssue, formatIssues } from "./issues";
export { formatKeyPath, type KeyPath, valueAt } from "./key-path";
export { CONFIG_KINDS, CONFIG_SCHEMAS, type AnyConfig, type ConfigKind, type ConfigOf, isConfigKind, loadAnyConfig, loadConfigOfKind, loadLiveConfig, loadTrainConfig } from "./kinds";
export { loadConfig, type LoadOptions, resolveConfig, type ResolvedConfig, validateConfig } from "./loader";
export { collectSecretValues, isSecretKey, MASK, maskSecrets, SECRET_KEY_PATTERN } from "./mask";
export { deepMerge, isPlainObject } from "./merge";
export { displayPath, type Origin, parseConfigText } from "./yaml-source";
