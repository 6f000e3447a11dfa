import tseslint from "typescript-eslint";

/** Size caps and banned globals (time and randomness are injected; see ARCHITECTURE.md section 2). */
export default tseslint.config(
  { ignores: ["node_modules/**", ".jupyter/**", ".nb-out/**", "reports/**", "data/**", "checkpoints/**", "state/**"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "max-lines": ["error", { max: 600, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/infra/**", "lib/sim/rng.ts", "lib/cli/**", "lib/app/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Use an injected Rng (lib/sim/rng.ts)." },
        { object: "Date", property: "now", message: "Use an injected Clock." },
      ],
    },
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/infra/**", "lib/config/**", "lib/cli/**", "lib/app/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Use an injected Rng (lib/sim/rng.ts)." },
        { object: "Date", property: "now", message: "Use an injected Clock." },
        { object: "process", property: "env", message: "Only lib/config and lib/infra read the environment." },
      ],
    },
  },
);
