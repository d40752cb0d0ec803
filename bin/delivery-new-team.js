#!/usr/bin/env node
/** `npm run new-team`: scaffolds a team project (scripts/new-team.ts), run from compiled dist/. */
"use strict";
require("../scripts/build-dist.js").ensureBuilt();
process.exitCode = require("../dist/scripts/new-team.js").main(process.argv.slice(2));
