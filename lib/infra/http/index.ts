/**
 * Generic HTTP plumbing for venue adapters: a fetch-based client with per-request timeouts, retries
 * with jittered exponential backoff for idempotent requests (honouring Retry-After), transport errors
 * mapped to the core error tree, and helpers that keep credentials out of logs.
 */
export * from "./backoff";
export * from "./client";
export * from "./logger";
export * from "./redact";
export * from "./secret";
