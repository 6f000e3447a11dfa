import { z } from "zod";
import { pathSchema } from "./common";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Logging (`logging:`): structured JSON lines, or one readable line per event on a terminal. */
export const loggingSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default("info"),
  /** auto: readable lines when stdout is a terminal, JSON otherwise. */
  format: z.enum(["auto", "json", "pretty"]).default("auto"),
  /** Also append JSON lines to this file (secrets masked the same way). */
  file: pathSchema.optional(),
});
export type LoggingConfig = z.infer<typeof loggingSchema>;
