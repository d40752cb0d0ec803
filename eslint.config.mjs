// ESLint: typescript-eslint's recommended rules plus Pulumi's Output-in-template-literal checks,
// which need type information (an Output interpolated with `${}` prints a warning, not a value).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "coverage/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The fake cloud and the plan runner handle the engine's untyped property bags and SDK
    // internals (mock requests, serialized secrets); `any` there mirrors what the engine sends.
    files: ["plan/fake-cloud/**/*.ts", "plan/mock-engine.ts", "plan/values.ts", "plan/cost.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Tests read untyped plan JSON and SDK internals; `any` there is a probe, not a design.
    files: ["test/**/*.ts", "**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
