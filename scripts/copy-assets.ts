/**
 * Copies the program's non-TypeScript files (Dockerfiles, scripts, data) into the build output
 * beside the JS that reads them by `__dirname`: tsc emits only what it compiles.
 *
 * Usage: ts-node scripts/copy-assets.ts [outDir]   (default dist)
 */
import * as fs from "fs";
import * as path from "path";

const SOURCE_DIRS = ["components", "plan", "policy", "stacks"];
const SKIP = /\.(ts|md)$/;

/** Copies every asset under the source folders of `root` to the same path under `outDir`. */
export function copyAssets(root: string, outDir: string): string[] {
  const copied: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !SKIP.test(entry.name)) {
        fs.mkdirSync(path.dirname(path.join(outDir, child)), { recursive: true });
        fs.copyFileSync(path.join(root, child), path.join(outDir, child));
        copied.push(child);
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(dir);
  return copied;
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  copyAssets(root, path.resolve(root, process.argv[2] ?? "dist"));
}
