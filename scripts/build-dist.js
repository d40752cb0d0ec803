/**
 * Compiles the package's TypeScript into dist/ (same layout) with TypeScript's own transpiler,
 * file by file, and copies the files the program reads at run time (Dockerfiles, scripts, JSON).
 * No type checking (`npm run typecheck` does that): this is what the plan and a team project run.
 *
 * Run by `npm ci` / `npm install` (the `prepare` script) and, when a source file is newer than
 * the last build, by bin/delivery-plan.js before it plans. Plain JavaScript, so it needs nothing
 * compiled to run.
 *
 *   node scripts/build-dist.js [--if-stale]
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "dist");
const STAMP = path.join(OUT, ".build-stamp");
const SOURCE_DIRS = ["components", "plan", "policy", "scripts", "stacks"];
const SOURCE_FILES = ["index.ts"];
const SKIP_DIRS = new Set(["node_modules", "dist"]);

/** Every source and asset file (relative paths), skipping tests. */
function sources() {
  const files = [...SOURCE_FILES];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(child);
      } else if (entry.isFile() && !/\.test\.ts$|\.d\.ts$|\.md$/.test(entry.name)) {
        files.push(child);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return files.sort();
}

/** What the last build was made from: every file with its size and modification time. */
function fingerprint(files) {
  return files
    .map((f) => {
      const st = fs.statSync(path.join(ROOT, f));
      return `${f} ${st.size} ${st.mtimeMs}`;
    })
    .join("\n");
}

function isStale(files) {
  try {
    return fs.readFileSync(STAMP, "utf8") !== fingerprint(files);
  } catch {
    return true;
  }
}

function build(files) {
  const ts = require("typescript");
  const compilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    resolveJsonModule: true,
    sourceMap: false,
  };
  fs.rmSync(OUT, { recursive: true, force: true });
  for (const rel of files) {
    const src = path.join(ROOT, rel);
    const dest = path.join(OUT, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (rel.endsWith(".ts")) {
      const { outputText } = ts.transpileModule(fs.readFileSync(src, "utf8"), {
        compilerOptions,
        fileName: rel,
      });
      fs.writeFileSync(dest.replace(/\.ts$/, ".js"), outputText);
    } else if (rel === path.join("policy", "package.json")) {
      // The pack's entry point is pack.ts in the sources and pack.js here.
      const pkg = JSON.parse(fs.readFileSync(src, "utf8"));
      pkg.main = String(pkg.main).replace(/\.ts$/, ".js");
      fs.writeFileSync(dest, `${JSON.stringify(pkg, null, 2)}\n`);
    } else {
      fs.copyFileSync(src, dest);
    }
  }
  fs.writeFileSync(STAMP, fingerprint(files));
}

/** Builds dist/ when a source changed since the last build; returns whether it built. */
function ensureBuilt() {
  const files = sources();
  if (!isStale(files)) return false;
  build(files);
  return true;
}

module.exports = { ensureBuilt, OUT };

if (require.main === module) {
  if (process.argv.includes("--if-stale")) ensureBuilt();
  else build(sources());
}
