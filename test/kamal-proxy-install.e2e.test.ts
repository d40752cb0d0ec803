/**
 * The installer user-data runs on a new server (install-kamal-proxy.sh), run for real here: it
 * builds the pinned kamal-proxy through the Go module proxy and installs it; with a wrong module
 * checksum it refuses before building anything. Needs Go and the Go module proxy (as
 * scripts/test-tools.sh does); slow (a full build), hence e2e-*.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kamalProxyInstallerEnvironment, KAMAL_PROXY_VERSION } from "../components/aws";

jest.setTimeout(600_000);

const installer = path.join(__dirname, "..", "components", "aws", "install-kamal-proxy.sh");
let tmp = "";
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kamal-proxy-install-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function install(env: Record<string, string>) {
  const r = spawnSync("bash", [installer], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 580_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

it("refuses a module whose checksum is not the pinned one, before building", () => {
  const bin = path.join(tmp, "refused");
  const r = install({
    ...kamalProxyInstallerEnvironment(),
    KAMAL_PROXY_SUM: "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    KAMAL_PROXY_BIN: bin,
  });
  expect(r.output).toMatch(/checksum mismatch|SECURITY ERROR/);
  expect(r.status).not.toBe(0);
  expect(fs.existsSync(bin)).toBe(false);
});

it("builds and installs the pinned version, and does nothing when it is there", () => {
  const bin = path.join(tmp, "kamal-proxy");
  const r = install({ ...kamalProxyInstallerEnvironment(), KAMAL_PROXY_BIN: bin });
  expect(r.output).toContain(`installed kamal-proxy ${KAMAL_PROXY_VERSION}`);
  expect(r.status).toBe(0);
  const version = spawnSync("go", ["version", "-m", bin], { encoding: "utf8" }).stdout;
  expect(version).toMatch(new RegExp(`mod\\s+github.com/basecamp/kamal-proxy\\s+${KAMAL_PROXY_VERSION}\\s`));
  expect(spawnSync(bin, ["--help"], { encoding: "utf8" }).stdout).toContain("zero downtime");
  const again = install({ ...kamalProxyInstallerEnvironment(), KAMAL_PROXY_BIN: bin });
  expect(again.output).toContain("is installed");
  expect(again.status).toBe(0);
});
