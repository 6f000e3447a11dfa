import type { z } from "zod";
import { valueAt } from "./key-path";

/**
 * Best-effort walk through a zod schema along a key path (for "did you mean" hints). Reads zod's
 * internal definitions, so it returns undefined rather than guessing when it meets anything else.
 */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  getter?: () => z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional", "success"]);

function unwrap(s: z.ZodType): z.ZodType {
  for (let i = 0; i < 50; i++) {
    const d = defOf(s);
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    else if (d.type === "pipe" && d.in) s = d.in;
    else if (d.type === "lazy" && d.getter) s = d.getter();
    else return s;
  }
  return s;
}

/** For a union: the option that matches `data` by discriminator, or every object option. */
function unionOptions(s: z.ZodType, data: unknown): z.ZodType[] {
  const d = defOf(s);
  const options = (d.options ?? []).map(unwrap);
  if (d.discriminator && data !== null && typeof data === "object") {
    const tag = (data as Record<string, unknown>)[d.discriminator];
    const hit = options.find((o) => {
      const lit = defOf(o).shape?.[d.discriminator!];
      // literal and enum schemas both expose their accepted values as a Set
      const values = lit ? (unwrap(lit) as unknown as { _zod: { values?: Set<unknown> } })._zod.values : undefined;
      return values?.has(tag) ?? false;
    });
    if (hit) return [hit];
  }
  return options.filter((o) => defOf(o).type === "object");
}

function child(s: z.ZodType, seg: PropertyKey, data: unknown): z.ZodType | undefined {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type === "object") return d.shape?.[String(seg)];
  if (d.type === "array") return d.element;
  if (d.type === "record") return d.valueType;
  if (d.type === "union") {
    for (const o of unionOptions(u, data)) {
      const c = child(o, seg, data);
      if (c) return c;
    }
  }
  return undefined;
}

/** Keys the schema accepts for the mapping at `path` (given the data, for discriminated unions). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] | undefined {
  try {
    let s: z.ZodType | undefined = schema;
    for (let i = 0; i < path.length && s; i++) s = child(s, path[i]!, valueAt(data, path.slice(0, i)));
    if (!s) return undefined;
    const u = unwrap(s);
    const d = defOf(u);
    if (d.type === "object") return Object.keys(d.shape ?? {});
    if (d.type === "union") {
      const keys = new Set<string>();
      for (const o of unionOptions(u, valueAt(data, path))) for (const k of Object.keys(defOf(o).shape ?? {})) keys.add(k);
      return [...keys];
    }
    return undefined;
  } catch {
    return undefined;
  }
}
