/**
 * The deploy agent, end to end on a real Docker engine and a real registry (all on loopback):
 * deploy v1 → serves v1; a v2 whose health check fails → v1 still serves, the agent exits
 * non-zero; a good v2 → serves v2; rollback → serves v1. Also: the bootstrap placeholder image
 * built from components/aws/bootstrap-image is healthy and says "not released yet".
 *
 * Needs root and Debian's docker.io, docker-registry and busybox-static. Nothing is skipped: if
 * the engine cannot start, the test fails with the reason.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { agentSettingsFile, deployAgentScript } from "../components/aws/deploy-agent";
import { BOOTSTRAP_CONTEXT, bootstrapBuildArgs } from "../components/aws/bootstrap";
import { NOTHING_RELEASED } from "../components/aws/names";

jest.setTimeout(90_000);

const SERVICE = "cart-api";
const PARAMETER = "/delivery/checkout/staging/cart-api/release";

let tmp = "";
let bridge = "";
let dockerd: ChildProcess | undefined;
let registry: ChildProcess | undefined;
let registryHost = "";
let publicPort = 0;
const env: NodeJS.ProcessEnv = {};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function docker(...args: string[]): string {
  return execFileSync("docker", args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms: number,
  why: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${ms} ms: ${why()}`);
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, timeout: 2000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.on("timeout", () => req.destroy());
  });
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return `(no ${file})`;
  }
}

/** An image FROM scratch with busybox-static serving `index` and, if given, the health path. */
function buildImage(tag: string, index: string, healthy: boolean): string {
  const dir = fs.mkdtempSync(path.join(tmp, "img-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.mkdirSync(path.join(dir, "www"));
  fs.copyFileSync("/bin/busybox", path.join(dir, "bin", "busybox"));
  fs.chmodSync(path.join(dir, "bin", "busybox"), 0o755);
  fs.writeFileSync(path.join(dir, "www", "index.html"), index);
  if (healthy) fs.writeFileSync(path.join(dir, "www", "healthz"), "ok");
  fs.writeFileSync(
    path.join(dir, "Dockerfile"),
    [
      "FROM scratch",
      "COPY bin /bin",
      "COPY www /www",
      'CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]',
      "",
    ].join("\n"),
  );
  return pushImage(tag, dir, []);
}

function pushImage(tag: string, dir: string, buildArgs: string[]): string {
  const ref = `${registryHost}/checkout/${SERVICE}:${tag}`;
  docker("build", "--quiet", ...buildArgs, "--tag", ref, dir);
  docker("push", ref);
  const digest = docker("inspect", "--format", "{{index .RepoDigests 0}}", ref);
  expect(digest).toMatch(/@sha256:[0-9a-f]{64}$/);
  return digest;
}

const agentPath = () => path.join(tmp, "deploy-agent");
const releaseFile = () => path.join(tmp, "release");

function setRelease(ref: string): void {
  fs.writeFileSync(releaseFile(), `${ref}\n`);
}

function agent(action: string): { status: number | null; output: string } {
  const r = spawnSync("bash", [agentPath(), action, SERVICE], { env, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function serving(): Promise<string> {
  return (await get(publicPort, "/")).body.trim();
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-agent-"));
  // Its own bridge and no iptables: the engine changes nothing on the host but this bridge,
  // and published ports reach loopback through docker-proxy.
  bridge = `dlv${process.pid % 100000}`;
  const subnet = `10.${200 + (process.pid % 50)}.${process.pid % 250}.1/24`;
  execFileSync("ip", ["link", "add", "name", bridge, "type", "bridge"]);
  execFileSync("ip", ["addr", "add", subnet, "dev", bridge]);
  execFileSync("ip", ["link", "set", bridge, "up"]);

  const sock = path.join(tmp, "docker.sock");
  const log = path.join(tmp, "dockerd.log");
  const logFd = fs.openSync(log, "a");
  dockerd = spawn(
    "dockerd",
    [
      "-H",
      `unix://${sock}`,
      "--data-root",
      path.join(tmp, "data"),
      "--exec-root",
      path.join(tmp, "exec"),
      "--pidfile",
      path.join(tmp, "dockerd.pid"),
      `--bridge=${bridge}`,
      "--iptables=false",
      "--ip6tables=false",
      "--ip-forward=false",
      "--ip-masq=false",
    ],
    { stdio: ["ignore", logFd, logFd] },
  );
  fs.closeSync(logFd);
  let dockerdExit = "";
  dockerd.on("exit", (code, signal) => (dockerdExit = `dockerd exited (${code ?? signal})`));
  Object.assign(env, process.env, {
    DOCKER_HOST: `unix://${sock}`,
    DOCKER_BUILDKIT: "0",
    DOCKER_CONFIG: path.join(tmp, "docker-config"),
  });
  await waitFor(
    "dockerd",
    () => !dockerdExit && spawnSync("docker", ["version"], { env, stdio: "ignore" }).status === 0,
    20_000,
    () => `${dockerdExit}\n${tail(log)}`,
  );

  const port = await freePort();
  registryHost = `127.0.0.1:${port}`;
  const config = path.join(tmp, "registry.yml");
  fs.writeFileSync(
    config,
    stringify({
      version: 0.1,
      log: { level: "warn" },
      storage: { filesystem: { rootdirectory: path.join(tmp, "registry") } },
      http: { addr: registryHost },
    }),
  );
  const regLog = path.join(tmp, "registry.log");
  const regFd = fs.openSync(regLog, "a");
  registry = spawn("docker-registry", ["serve", config], { stdio: ["ignore", regFd, regFd] });
  fs.closeSync(regFd);
  await waitFor(
    "docker-registry",
    async () => (await get(port, "/v2/")).status === 200,
    10_000,
    () => tail(regLog),
  );

  publicPort = await freePort();
  const configDir = path.join(tmp, "agent-config");
  fs.mkdirSync(configDir);
  fs.writeFileSync(
    path.join(configDir, `${SERVICE}.env`),
    agentSettingsFile({
      service: SERVICE,
      releaseParameter: PARAMETER,
      containerPort: 8080,
      publicPort,
      sparePort: await freePort(),
      healthCheckPath: "/healthz",
    }),
  );
  fs.writeFileSync(agentPath(), deployAgentScript(), { mode: 0o755 });

  // The only stub: `aws ssm get-parameter/put-parameter` read and write a file.
  const bin = path.join(tmp, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "aws"),
    [
      "#!/usr/bin/env bash",
      "set -euo pipefail",
      'name=""; value=""; op="$1 $2"; shift 2',
      'while [[ $# -gt 0 ]]; do case "$1" in --name) name="$2"; shift 2;; --value) value="$2"; shift 2;; *) shift;; esac; done',
      `[[ "$name" == "${PARAMETER}" ]] || { echo "ParameterNotFound: $name" >&2; exit 254; }`,
      'case "$op" in',
      '  "ssm get-parameter") cat "$AWS_STUB_RELEASE_FILE";;',
      '  "ssm put-parameter") printf "%s\\n" "$value" >"$AWS_STUB_RELEASE_FILE";;',
      '  *) echo "unexpected aws call: $op" >&2; exit 2;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  Object.assign(env, {
    PATH: `${bin}:${process.env.PATH}`,
    AWS_STUB_RELEASE_FILE: releaseFile(),
    DELIVERY_AGENT_CONFIG_DIR: configDir,
    DELIVERY_AGENT_STATE_DIR: path.join(tmp, "agent-state"),
    DELIVERY_AGENT_BIND_ADDRESS: "127.0.0.1",
    DELIVERY_AGENT_HEALTH_TIMEOUT: "4",
    // busybox httpd as PID 1 ignores SIGTERM: do not wait the production grace period for it.
    DELIVERY_AGENT_STOP_TIMEOUT: "1",
  });
});

afterAll(async () => {
  const stop = async (child: ChildProcess | undefined) => {
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(child.pid, "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
  };
  await stop(registry);
  if (env.DOCKER_HOST) {
    // busybox httpd ignores SIGTERM: kill the containers rather than wait out dockerd's grace period.
    const ids = spawnSync("docker", ["ps", "--all", "--quiet"], { env, encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean);
    if (ids.length > 0) spawnSync("docker", ["rm", "--force", ...ids], { env, stdio: "ignore" });
  }
  await stop(dockerd); // stops its containers and its containerd
  if (bridge) spawnSync("ip", ["link", "del", bridge]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("deploy agent on a real Docker engine", () => {
  let v1 = "";
  let v2bad = "";
  let v2 = "";

  beforeAll(() => {
    v1 = buildImage("v1.0.0", "v1", true);
    v2bad = buildImage("v2.0.0-rc.1", "v2-broken", false);
    v2 = buildImage("v2.0.0-rc.2", "v2", true);
  });

  it("does nothing while nothing is released", () => {
    setRelease(NOTHING_RELEASED);
    const r = agent("deploy");
    expect(r.output).toContain("nothing released yet");
    expect(r.status).toBe(0);
  });

  it("deploys v1", async () => {
    setRelease(v1);
    const r = agent("deploy");
    expect(r.status).toBe(0);
    expect(await serving()).toBe("v1");
  });

  it("keeps v1 serving and exits non-zero when v2 fails its health check", async () => {
    setRelease(v2bad);
    const r = agent("deploy");
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("failed its health check");
    expect(await serving()).toBe("v1");
    expect(docker("ps", "--all", "--format", "{{.Names}}").split("\n").sort()).toEqual([SERVICE]);
    // The parameter points back at what serves, so a reboot does not start the failed release.
    expect(fs.readFileSync(releaseFile(), "utf8").trim()).toBe(v1);
  });

  it("deploys a good v2", async () => {
    setRelease(v2);
    const r = agent("deploy");
    expect(r.status).toBe(0);
    expect(await serving()).toBe("v2");
    expect(agent("status").output).toContain(`previous=${v1}`);
  });

  it("rolls back to v1 with one command and points the parameter at it", async () => {
    const r = agent("rollback");
    expect(r.status).toBe(0);
    expect(await serving()).toBe("v1");
    expect(fs.readFileSync(releaseFile(), "utf8").trim()).toBe(v1);
    // Deploying again runs what the parameter says: still v1, nothing to do.
    expect(agent("deploy").output).toContain("already running");
  });

  it("refuses a release that is not pinned by digest", () => {
    setRelease(`${registryHost}/checkout/${SERVICE}:v1.0.0`);
    const r = agent("deploy");
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("by digest");
  });

  it("serves the bootstrap placeholder's health path and page", async () => {
    // The real base is busybox from ECR Public; offline, a scratch image with busybox-static stands in.
    const base = fs.mkdtempSync(path.join(tmp, "base-"));
    fs.mkdirSync(path.join(base, "bin"));
    fs.copyFileSync("/bin/busybox", path.join(base, "bin", "busybox"));
    fs.writeFileSync(path.join(base, "Dockerfile"), "FROM scratch\nCOPY bin /bin\n");
    docker("build", "--quiet", "--tag", "local/busybox-base", base);
    const args = Object.entries(
      bootstrapBuildArgs({ name: SERVICE, port: 8080, healthCheckPath: "/healthz" }),
    ).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
    const placeholder = pushImage("bootstrap-test", BOOTSTRAP_CONTEXT, [
      ...args,
      "--build-arg",
      "BASE_IMAGE=local/busybox-base",
    ]);
    setRelease(placeholder);
    const r = agent("deploy");
    expect(r.status).toBe(0);
    expect((await get(publicPort, "/healthz")).status).toBe(200);
    expect(await serving()).toContain("cart-api is not released yet");
  });
});
