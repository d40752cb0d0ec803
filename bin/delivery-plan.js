#!/usr/bin/env node
/**
 * `npm run plan` (here and in every team project): the offline plan, run from compiled
 * JavaScript in dist/, rebuilt first when a source file changed (scripts/build-dist.js).
 * On Node 22+ V8's compile cache keeps the compiled SDK and program between runs.
 */
"use strict";
const path = require("path");
const nodeModule = require("module");

// The SDK records a stack trace for every promise it makes (runtime/debuggable.ts): for a large
// team that is most of the plan's time and memory. This process is the plan and reports failures
// by message, so it keeps no frames; PLAN_STACK_TRACES=1 keeps them to debug a program error.
// (Process configuration, like node's --stack-trace-limit, for the whole run; planStacks itself
// keeps no frames only while a stack runs, plan/mock-engine.ts, and restores the limit after.)
if (process.env.PLAN_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
if (typeof nodeModule.enableCompileCache === "function") {
  nodeModule.enableCompileCache(path.join(require("os").tmpdir(), "delivery-workflow-compile-cache"));
}
require("../scripts/build-dist.js").ensureBuilt();
// A full collection between a referenced stack and the stack reading it (plan/gc.ts).
require("../dist/plan/gc.js").exposeGc();
const { main } = require("../dist/plan/cli.js");
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`plan failed: ${(err && err.stack) || String(err)}\n`);
    process.exitCode = 3;
  },
);
