/**
 * The layer arrows of ARCHITECTURE.md section 2. Each rule forbids a layer from importing the layers
 * it may not depend on; `npm run lint` fails on any violation or cycle.
 */
const L = (name) => `^lib/${name}/`;
const layers = ["core", "config", "features", "sim", "risk", "rl", "conformal", "plot", "env", "infra", "venues", "services", "app", "cli"];
const allowed = {
  core: [],
  config: ["core"],
  features: ["core", "config"],
  sim: ["core", "config"],
  risk: ["core", "config"],
  rl: ["core", "config"],
  conformal: ["core", "config"],
  plot: ["core", "config"],
  env: ["core", "config", "features", "sim", "risk"],
  infra: ["core", "config"],
  venues: ["core", "config", "infra"],
  services: ["core", "config", "features", "sim", "risk", "env", "rl", "conformal", "plot"],
  app: layers,
  cli: layers,
};

const layerRules = Object.entries(allowed).map(([from, ok]) => ({
  name: `layer-${from}`,
  comment: `lib/${from} may import only: ${ok.length ? ok.join(", ") : "nothing in lib"}`,
  severity: "error",
  from: { path: L(from) },
  to: { path: "^lib/", pathNot: [L(from), ...ok.map(L)] },
}));
// The replay exchange is the simulated venue of ARCHITECTURE.md section 7: it fills orders with lib/sim.
layerRules.find((r) => r.name === "layer-venues").to.pathNot.push("^lib/sim/");
layerRules.push({
  name: "layer-venues-sim-replay-only",
  comment: "of lib/venues, only the replay exchange may import lib/sim",
  severity: "error",
  from: { path: L("venues"), pathNot: "^lib/venues/replay/" },
  to: { path: L("sim") },
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "lib-index-facade",
      comment: "only entry points (notebooks, live, bench, scripts, tests) import the facade lib/index.ts",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^lib/index\\.ts$" },
    },
    {
      name: "venue-isolation",
      comment: "a venue never imports another venue",
      severity: "error",
      from: { path: "^lib/venues/([^/]+)/" },
      to: { path: "^lib/venues/([^/]+)/", pathNot: ["^lib/venues/$1/"] },
    },
    {
      name: "core-is-pure",
      comment: "lib/core imports no node builtins and no packages",
      severity: "error",
      from: { path: "^lib/core/" },
      to: { dependencyTypes: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "entry-points-use-facade",
      comment: "notebooks and live reach lib only through lib/index, lib/app and lib/cli (bench measures internals directly)",
      severity: "error",
      from: { path: "^(live|notebooks)/" },
      to: { path: "^lib/", pathNot: ["^lib/index\\.ts$", "^lib/app/", "^lib/cli/"] },
    },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".mjs", ".cjs", ".json"] },
  },
};
