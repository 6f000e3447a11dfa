import { describe, expect, it } from "vitest";
import { interpolate } from "../../lib/config/interpolate";

describe("interpolate", () => {
  const env = { KEY: "abc", EMPTY: "", PORT: "8080" };

  it("substitutes a set variable", () => {
    expect(interpolate("${KEY}", env)).toEqual({ ok: true, value: "abc", vars: ["KEY"], wholeValue: true });
  });

  it("substitutes inside text and reports that the value was not a whole placeholder", () => {
    const r = interpolate("https://x/${KEY}/y", env);
    expect(r).toMatchObject({ ok: true, value: "https://x/abc/y", wholeValue: false });
  });

  it("uses the default when the variable is unset or empty", () => {
    expect(interpolate("${NOPE:-7}", env)).toMatchObject({ ok: true, value: "7" });
    expect(interpolate("${EMPTY:-fallback}", env)).toMatchObject({ ok: true, value: "fallback" });
    expect(interpolate("${NOPE:-}", env)).toMatchObject({ ok: true, value: "" });
  });

  it("prefers the variable's value over the default", () => {
    expect(interpolate("${PORT:-1}", env)).toMatchObject({ ok: true, value: "8080" });
  });

  it("fails on a missing variable without default, naming it", () => {
    const r = interpolate("key=${MISSING_VAR}", env);
    expect(r).toMatchObject({ ok: false, kind: "missing", variable: "MISSING_VAR" });
  });

  it("keeps $${ as a literal ${ and other dollars as they are", () => {
    expect(interpolate("cost $5, literal $${KEY}", env)).toMatchObject({ ok: true, value: "cost $5, literal ${KEY}", vars: [] });
  });

  it("rejects malformed placeholders instead of passing them through", () => {
    expect(interpolate("${1BAD}", env)).toMatchObject({ ok: false, kind: "syntax" });
    expect(interpolate("${KEY", env)).toMatchObject({ ok: false, kind: "syntax" });
    expect(interpolate("${A-B}", env)).toMatchObject({ ok: false, kind: "syntax" });
  });
});
