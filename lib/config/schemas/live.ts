import { z } from "zod";
import { fractionSchema, pathSchema, portSchema } from "./common";
import { conformalSchema } from "./conformal";
import { exchangeSchema } from "./exchange";
import { executionSchema } from "./execution";
import { loggingSchema } from "./logging";
import { noTradeSchema } from "./no-trade";
import { riskSchema } from "./risk";

/** The live runner (`live:`): what to run, where state lives, health endpoint, shutdown behaviour. */

export const healthSchema = z.strictObject({
  /** Serve /healthz, /readyz and /metrics. */
  enabled: z.boolean().default(true),
  /** Bind address; keep it on loopback unless a scraper needs it elsewhere. */
  host: z.string().min(1).default("127.0.0.1"),
  /** 0 = any free port (logged at start). */
  port: portSchema.default(9464),
  /** /readyz thresholds. */
  maxDataAgeMs: z.int().positive().default(60_000),
  maxPendingOrderAgeMs: z.int().positive().default(300_000),
  maxClockDriftMs: z.int().positive().default(500),
  minFreeDiskBytes: z.int().min(0).default(1_000_000_000),
  maxMemoryFraction: fractionSchema.default(0.8),
  maxCpuFraction: fractionSchema.default(0.9),
});
export type HealthConfig = z.infer<typeof healthSchema>;

export const shutdownSchema = z.strictObject({
  /** How long to wait for cancel confirmations of open orders, ms. */
  cancelTimeoutMs: z.int().min(0).max(600_000).default(10_000),
  /** Close every position at market on shutdown (after cancelling). */
  flattenOnShutdown: z.boolean().default(false),
  /** How long to wait for flatten fills, ms. */
  flattenTimeoutMs: z.int().min(0).max(600_000).default(30_000),
  /** Deadline for flushing state and the journal and closing streams, ms. */
  flushTimeoutMs: z.int().min(0).max(600_000).default(5_000),
});
export type ShutdownConfig = z.infer<typeof shutdownSchema>;

export const liveSchema = z.strictObject({
  /** Checkpoint directory (model.json, weights.bin, manifest.json). */
  modelPath: pathSchema.default("checkpoints/demo"),
  /** Positions, TTL state, kill switch state and the journal live here. */
  stateDir: pathSchema.default("state"),
  /** Decide and log, but send no orders (no execution adapter is created). */
  dryRun: z.boolean().default(false),
  /** Replay speed multiple of real time (replay venue only). */
  speed: z.number().min(1).max(100_000).default(1),
  /** Stop cleanly after this many closed bars; absent = run until stopped. */
  maxBars: z.int().positive().optional(),
  /** Bars of history fetched to warm up features; absent = what the checkpoint's pipeline needs. */
  warmupBars: z.int().positive().optional(),
  /** A decision for bar t expires this many timeframes after t. */
  decisionTtlTimeframes: z.int().min(1).max(100).default(1),
  health: healthSchema.prefault({}),
  shutdown: shutdownSchema.prefault({}),
});
export type LiveSectionConfig = z.infer<typeof liveSchema>;

/**
 * A live config file (config_live.yaml): everything `npm run live` needs besides the checkpoint,
 * which brings its own feature pipeline and env settings.
 */
export const liveConfigSchema = z
  .strictObject({
    kind: z.literal("live"),
    live: liveSchema.prefault({}),
    exchange: exchangeSchema,
    /** Cost model: the replay venue fills with it; every venue uses it for expected costs. */
    execution: executionSchema.prefault({}),
    risk: riskSchema.prefault({}),
    noTrade: noTradeSchema.prefault({}),
    conformal: conformalSchema.prefault({}),
    logging: loggingSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.live.speed !== 1 && c.exchange.venue !== "replay") {
      ctx.addIssue({ code: "custom", path: ["live", "speed"], message: `speed ${c.live.speed} applies to the replay venue only (venue is ${c.exchange.venue})` });
    }
    if (c.exchange.venue === "replay" && c.live.health.enabled && c.live.health.port !== 0 && c.live.health.port === c.exchange.port && c.live.health.host === c.exchange.host) {
      ctx.addIssue({ code: "custom", path: ["live", "health", "port"], message: `port ${c.live.health.port} is also the replay exchange's port` });
    }
  });
export type LiveConfig = z.infer<typeof liveConfigSchema>;
