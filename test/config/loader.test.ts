import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadAnyConfig, loadConfig, loadLiveConfig, loadTrainConfig, resolveConfig } from "../../lib/config/index";
import { ConfigError } from "../../lib/core/errors";
import { writeTree } from "./helpers";

const schema = z.strictObject({
  kind: z.literal("demo").optional(),
  name: z.string(),
  limits: z.strictObject({ qty: z.number().positive(), notional: z.number().default(100), tags: z.array(z.string()).default([]) }),
  port: z.int().default(1),
  secret: z.string().optional(),
});

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("imports and merging", () => {
  it("merges imports in order, then the file's own keys override them", () => {
    const dir = writeTree({
      "a.yaml": "name: from-a\nlimits: { qty: 1, notional: 10 }\nport: 5\n",
      "b.yaml": "name: from-b\nlimits: { qty: 2 }\n",
      "main.yaml": "imports: [a.yaml, b.yaml]\nport: 9\n",
    });
    const c = loadConfig(join(dir, "main.yaml"), schema);
    expect(c).toMatchObject({ name: "from-b", port: 9, limits: { qty: 2, notional: 10 } });
  });

  it("replaces arrays instead of concatenating them", () => {
    const dir = writeTree({
      "base.yaml": "name: x\nlimits: { qty: 1, tags: [a, b, c] }\n",
      "main.yaml": "imports: base.yaml\nlimits: { tags: [z] }\n",
    });
    expect(loadConfig(join(dir, "main.yaml"), schema).limits.tags).toEqual(["z"]);
  });

  it("resolves imports relative to the importing file and lists every file read", () => {
    const dir = writeTree({
      "shared/limits.yaml": "limits: { qty: 3 }\n",
      "envs/prod/main.yaml": "imports: [../../shared/limits.yaml]\nname: prod\n",
    });
    const r = resolveConfig(join(dir, "envs/prod/main.yaml"));
    expect(r.value).toEqual({ name: "prod", limits: { qty: 3 } });
    expect(r.files).toHaveLength(2);
    expect(r.files[1]).toMatch(/shared\/limits\.yaml$/);
  });

  it("allows the same file to be imported twice through different paths (a diamond is not a cycle)", () => {
    const dir = writeTree({
      "base.yaml": "name: base\nlimits: { qty: 1 }\n",
      "left.yaml": "imports: [base.yaml]\nport: 2\n",
      "right.yaml": "imports: [base.yaml]\nport: 3\n",
      "main.yaml": "imports: [left.yaml, right.yaml]\n",
    });
    expect(loadConfig(join(dir, "main.yaml"), schema)).toMatchObject({ name: "base", port: 3 });
  });

  it("detects an import cycle and shows the chain", () => {
    const dir = writeTree({ "a.yaml": "imports: [b.yaml]\nname: a\n", "b.yaml": "imports: [c.yaml]\n", "c.yaml": "imports: [a.yaml]\n" });
    const e = thrown(() => loadConfig(join(dir, "a.yaml"), schema));
    expect(e.code).toBe("CONFIG_IMPORT_CYCLE");
    expect(e.message).toMatch(/a\.yaml -> .*b\.yaml -> .*c\.yaml -> .*a\.yaml/);
    expect(e.message).toMatch(/c\.yaml:1: import cycle/);
  });

  it("detects a file importing itself", () => {
    const dir = writeTree({ "self.yaml": "name: s\nimports: [self.yaml]\n" });
    expect(thrown(() => loadConfig(join(dir, "self.yaml"), schema)).code).toBe("CONFIG_IMPORT_CYCLE");
  });

  it("names the importing file and line when an import is missing", () => {
    const dir = writeTree({ "main.yaml": "name: m\nimports:\n  - nope.yaml\n" });
    const e = thrown(() => loadConfig(join(dir, "main.yaml"), schema));
    expect(e.code).toBe("CONFIG_NOT_FOUND");
    expect(e.message).toMatch(/main\.yaml:3: imported file .*nope\.yaml not found/);
  });

  it("supports YAML anchors, aliases and << merge keys", () => {
    const dir = writeTree({ "main.yaml": "name: &n shared\nlimits: &l { qty: 2, tags: [*n] }\nport: 3\n" });
    expect(loadConfig(join(dir, "main.yaml"), schema).limits).toEqual({ qty: 2, notional: 100, tags: ["shared"] });
    const s2 = z.strictObject({ a: z.strictObject({ x: z.number(), y: z.number() }), b: z.strictObject({ x: z.number(), y: z.number() }) });
    const dir2 = writeTree({ "m.yaml": "a: &base { x: 1, y: 2 }\nb:\n  <<: *base\n  y: 5\n" });
    expect(loadConfig(join(dir2, "m.yaml"), s2).b).toEqual({ x: 1, y: 5 });
  });

  it("applies overrides last, after every file", () => {
    const dir = writeTree({ "main.yaml": "name: m\nlimits: { qty: 1 }\nport: 4\n" });
    const c = loadConfig(join(dir, "main.yaml"), schema, { overrides: { port: 8, limits: { qty: 5 } } });
    expect(c).toMatchObject({ port: 8, limits: { qty: 5, notional: 100 } });
  });
});

describe("environment interpolation", () => {
  it("substitutes variables and defaults, reading whole plain placeholders as YAML scalars", () => {
    const dir = writeTree({ "main.yaml": 'name: ${NAME}\nport: ${PORT:-8080}\nsecret: "${TOKEN_VALUE:-}"\nlimits: { qty: 1 }\n' });
    const c = loadConfig(join(dir, "main.yaml"), schema, { env: { NAME: "svc", TOKEN_VALUE: "123456" } });
    expect(c).toMatchObject({ name: "svc", port: 8080, secret: "123456" });
  });

  it("keeps a quoted placeholder a string even when the value looks like a number", () => {
    const dir = writeTree({ "main.yaml": 'name: "${N}"\nlimits: { qty: 1 }\n' });
    expect(loadConfig(join(dir, "main.yaml"), schema, { env: { N: "42" } }).name).toBe("42");
  });

  it("fails on a missing variable without default, naming file, line, key path and variable", () => {
    const dir = writeTree({ "main.yaml": "name: x\nlimits:\n  qty: 1\nsecret: ${API_SECRET}\n" });
    const e = thrown(() => loadConfig(join(dir, "main.yaml"), schema, { env: {} }));
    expect(e.code).toBe("CONFIG_ENV_MISSING");
    expect(e.message).toMatch(/main\.yaml:4: secret: environment variable API_SECRET is not set/);
  });

  it("interpolates in imported files, naming the imported file on failure", () => {
    const dir = writeTree({ "keys.yaml": "secret: ${K}\n", "main.yaml": "imports: [keys.yaml]\nname: x\nlimits: { qty: 1 }\n" });
    expect(loadConfig(join(dir, "main.yaml"), schema, { env: { K: "zzzz" } }).secret).toBe("zzzz");
    expect(thrown(() => loadConfig(join(dir, "main.yaml"), schema, { env: {} })).message).toMatch(/keys\.yaml:1: secret:/);
  });
});

describe("validation errors", () => {
  it("rejects an unknown key with file, line, key path and a suggestion", () => {
    const dir = writeTree({ "main.yaml": "name: x\nlimits:\n  qty: 1\n  notionall: 5\n" });
    const e = thrown(() => loadConfig(join(dir, "main.yaml"), schema));
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.message).toMatch(/main\.yaml:4: limits\.notionall: unknown key \(did you mean "notional"\?\)/);
  });

  it("suggests the camelCase key for a snake_case one", () => {
    const dir = writeTree({ "r.yaml": "kind: risk\nrisk:\n  max_position_notional: 5\n" });
    expect(thrown(() => loadAnyConfig(join(dir, "r.yaml"))).message).toMatch(/r\.yaml:3: risk\.max_position_notional: unknown key \(did you mean "maxPositionNotional"\?\)/);
  });

  it("lists the keys of the selected variant when a key belongs to another venue", () => {
    const dir = writeTree({ "x.yaml": "kind: exchange\nexchange:\n  venue: alpaca-paper\n  symbols: [SPY]\n  recvWindowMs: 5000\n" });
    const msg = thrown(() => loadAnyConfig(join(dir, "x.yaml"))).message;
    expect(msg).toMatch(/x\.yaml:5: exchange\.recvWindowMs: unknown key; expected one of: venue, tradingBaseUrl, /);
    expect(msg).not.toContain("did you mean");
  });

  it("reports a wrong type with what was expected and what was found", () => {
    const dir = writeTree({ "main.yaml": "name: x\nlimits:\n  qty: lots\n" });
    expect(thrown(() => loadConfig(join(dir, "main.yaml"), schema)).message).toMatch(/main\.yaml:3: limits\.qty: expected a number, got string "lots"/);
  });

  it("reports a missing required key at its parent's line", () => {
    const dir = writeTree({ "main.yaml": "limits:\n  qty: 1\n" });
    expect(thrown(() => loadConfig(join(dir, "main.yaml"), schema)).message).toMatch(/main\.yaml: name: missing: expected a string/);
  });

  it("blames the imported file that set a bad value, with its line", () => {
    const dir = writeTree({ "limits.yaml": "# limits\nlimits:\n  qty: -1\n", "main.yaml": "imports: [limits.yaml]\nname: x\n" });
    const e = thrown(() => loadConfig(join(dir, "main.yaml"), schema));
    expect(e.message).toMatch(/limits\.yaml:3: limits\.qty: expected a number > 0, got number -1/);
    expect(e.details.file).toMatch(/limits\.yaml$/);
    expect(e.details.path).toBe("limits.qty");
  });

  it("lists every problem, not only the first", () => {
    const dir = writeTree({ "main.yaml": "name: 3\nport: 1.5\nextra: true\nlimits: { qty: 1 }\n" });
    const issues = thrown(() => loadConfig(join(dir, "main.yaml"), schema)).details.issues as { path: string }[];
    expect(issues.map((i) => i.path)).toEqual(["name", "port", "extra"]);
  });

  it("never echoes a secret's value in a type error", () => {
    const s = z.strictObject({ apiKey: z.number() });
    const dir = writeTree({ "main.yaml": "apiKey: very-secret-value\n" });
    const e = thrown(() => loadConfig(join(dir, "main.yaml"), s));
    expect(e.message).not.toContain("very-secret-value");
    expect(e.message).toMatch(/apiKey: expected a number, got a string \(hidden\)/);
  });

  it("reports YAML syntax errors with their line", () => {
    const dir = writeTree({ "main.yaml": "name: x\nport: 1\nlimits:\n  qty: @bad\n" });
    expect(thrown(() => loadConfig(join(dir, "main.yaml"), schema)).message).toMatch(/main\.yaml:4: YAML syntax error/);
  });

  it("rejects duplicate keys", () => {
    const dir = writeTree({ "main.yaml": "name: x\nname: y\n" });
    expect(thrown(() => loadConfig(join(dir, "main.yaml"), schema)).message).toMatch(/main\.yaml:2: YAML syntax error: .*unique/i);
  });

  it("says so when the file does not exist", () => {
    const e = thrown(() => loadConfig("/nonexistent/dir/x.yaml", schema));
    expect(e.code).toBe("CONFIG_NOT_FOUND");
    expect(e.message).toContain("/nonexistent/dir/x.yaml: file not found");
  });
});

describe("the loaded object", () => {
  it("is deeply frozen", () => {
    const dir = writeTree({ "main.yaml": "name: x\nlimits: { qty: 1, tags: [a] }\n" });
    const c = loadConfig(join(dir, "main.yaml"), schema);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.limits)).toBe(true);
    expect(Object.isFrozen(c.limits.tags)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 2;
    }).toThrow(TypeError);
  });

  it("fills defaults from the schema", () => {
    const dir = writeTree({ "main.yaml": "name: x\nlimits: { qty: 1 }\n" });
    expect(loadConfig(join(dir, "main.yaml"), schema)).toEqual({ name: "x", limits: { qty: 1, notional: 100, tags: [] }, port: 1 });
  });
});

describe("kinds", () => {
  it("validates a file against the schema its kind names", () => {
    const dir = writeTree({ "r.yaml": "kind: risk\nrisk: { maxPositionQty: 2 }\n" });
    const r = loadAnyConfig(join(dir, "r.yaml"));
    expect(r.kind).toBe("risk");
    if (r.kind === "risk") expect(r.config.risk).toMatchObject({ maxPositionQty: 2, staleAfterTimeframes: 2 });
  });

  it("asks for kind when it is missing, and suggests one when misspelt", () => {
    const dir = writeTree({ "a.yaml": "risk: {}\n", "b.yaml": "kind: rsk\nrisk: {}\n" });
    expect(thrown(() => loadAnyConfig(join(dir, "a.yaml"))).message).toMatch(/kind: missing; add a top-level `kind:/);
    expect(thrown(() => loadAnyConfig(join(dir, "b.yaml"))).message).toMatch(/b\.yaml:1: kind: unknown kind "rsk" \(did you mean "risk"\?\)/);
  });

  it("inherits kind from imports that agree, and refuses to guess when they do not", () => {
    const dir = writeTree({
      "r1.yaml": "kind: risk\nrisk: { maxPositionQty: 1 }\n",
      "r2.yaml": "kind: risk\nrisk: { priceBand: 0.01 }\n",
      "f.yaml": "kind: fees\nexecution: { fees: { takerBps: 5 } }\n",
      "both-risk.yaml": "imports: [r1.yaml, r2.yaml]\n",
      "mixed.yaml": "imports: [r1.yaml, f.yaml]\n",
    });
    expect(loadAnyConfig(join(dir, "both-risk.yaml")).kind).toBe("risk");
    expect(thrown(() => loadAnyConfig(join(dir, "mixed.yaml"))).message).toMatch(/kind: missing/);
  });

  it("typed loaders accept a file without kind and refuse one of another kind", () => {
    const dir = writeTree({ "ex.yaml": "exchange: { venue: yahoo, symbols: [SPY] }\n", "r.yaml": "kind: risk\nrisk: {}\n" });
    expect(loadLiveConfig(join(dir, "ex.yaml")).exchange.venue).toBe("yahoo");
    expect(thrown(() => loadTrainConfig(join(dir, "r.yaml"))).message).toMatch(/is a "risk" config, expected "train"/);
  });
});
