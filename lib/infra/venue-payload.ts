import type { ZodType } from "zod";
import { VenueError } from "../core/errors";

export const RAW_EXCERPT = 300;

/** A payload as text for errors and logs (strings as they are, anything else as JSON). */
export function rawText(x: unknown): string {
  try {
    return typeof x === "string" ? x : JSON.stringify(x);
  } catch {
    return String(x);
  }
}

/**
 * Validates a venue's raw payload at the boundary; on failure throws PARSE_ERROR naming the venue,
 * what was parsed and the bad paths, and carrying the raw text (so a stream can log it and go on).
 */
export function parseVenuePayload<T>(venue: string, schema: ZodType<T>, raw: unknown, what: string, text?: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const t = text ?? rawText(raw);
  const issues = r.error!.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  throw new VenueError("PARSE_ERROR", `${venue} ${what}: unexpected payload (${issues.slice(0, 3).join("; ")}): ${t.slice(0, RAW_EXCERPT)}`, {
    details: { venue, what, issues, raw: t },
  });
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The session date of an instant in `timeZone`, as 00:00 UTC of that date (the project's daily-bar key). */
export function sessionDateMs(ms: number, timeZone: string): number {
  let f = dateFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"));
}
