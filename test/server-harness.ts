/**
 * A server runtime on this machine, for the end-to-end tests and the zero-downtime benchmark:
 * a real Docker engine (its own bridge, no iptables, data root optionally on a small tmpfs), a
 * real registry (deletes enabled), a real kamal-proxy, and the real deploy agent with one stub:
 * `aws ssm get-parameter(s-by-path)` read files under a directory, and `put-parameter` is refused
 * (the server's role cannot write a release parameter). Everything listens on loopback ports,
 * except kamal-proxy, which binds every interface (v0.9.2 has no bind flag) on random high ports
 * for the test's duration; only loopback traffic is sent.
 *
 * Needs root, Debian's docker.io, docker-registry, busybox-static, iproute2, and kamal-proxy
 * (scripts/test-tools.sh builds it from its Go module).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import {
  agentSettingsFile,
  deployAgentScript,
  environmentSettingsFile,
  type AgentSiteSettings,
} from "../components/aws/deploy-agent";

export const KAMAL_PROXY = process.env.KAMAL_PROXY_BIN ?? "/usr/local/bin/kamal-proxy";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function get(
  port: number,
  urlPath: string,
  agent?: http.Agent,
  timeoutMs = 5000,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; error?: string; location?: string }> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: "127.0.0.1", port, path: urlPath, timeout: timeoutMs, agent, headers },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
        res.on("error", (e) => resolve({ status: 0, body, error: e.message }));
      },
    );
    req.on("error", (e) => resolve({ status: 0, body: "", error: e.message }));
    req.on("timeout", () => req.destroy(new Error("timeout")));
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number, why: () => string) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${ms} ms: ${why()}`);
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return `(no ${file})`;
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(child.pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
}

export interface ImageOptions {
  /** Body of `/`. */
  readonly index: string;
  /** Serve the health path. @default true */
  readonly healthy?: boolean;
  /** Command instead of busybox httpd. */
  readonly cmd?: string[];
  /** busybox as /bin/sh too, for commands run with `sh -c` in the container. @default false */
  readonly shell?: boolean;
}

export interface AgentResult {
  readonly status: number | null;
  readonly output: string;
}

export const TEAM = "checkout";
export const ENVIRONMENT = "staging";

/** The running parts; {@link startServer} makes one, {@link ServerHarness.stop} ends it. */
export class ServerHarness {
  readonly env: NodeJS.ProcessEnv = {};
  tmp = "";
  registryHost = "";
  proxyPort = 0;
  private bridge = "";
  private tmpfs = "";
  private dockerd?: ChildProcess;
  private registry?: ChildProcess;
  private proxy?: ChildProcess;
  private registryConfig = "";

  get parameterRoot(): string {
    return path.join(this.tmp, "parameters");
  }
  get configDir(): string {
    return path.join(this.tmp, "agent-config");
  }
  get dataRoot(): string {
    return path.join(this.tmp, "data");
  }
  /** kamal-proxy's $XDG_RUNTIME_DIR: its control socket is kamal-proxy.sock in it. */
  get proxyRuntimeDir(): string {
    return path.join(this.tmp, "proxy-run");
  }
  get proxySocket(): string {
    return path.join(this.proxyRuntimeDir, "kamal-proxy.sock");
  }
  get proxyHome(): string {
    return path.join(this.tmp, "proxy-home");
  }

  repository(service: string): string {
    return `${this.registryHost}/${TEAM}/${service}`;
  }

  docker(...args: string[]): string {
    return execFileSync("docker", args, {
      env: this.env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  }

  async start(opts: { dataRootMiB?: number } = {}): Promise<void> {
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), "server-runtime-"));
    fs.mkdirSync(this.dataRoot);
    if (opts.dataRootMiB) {
      // A small file system for images: the disk-full fault fills it.
      execFileSync("mount", ["-t", "tmpfs", "-o", `size=${opts.dataRootMiB}m`, "tmpfs", this.dataRoot]);
      this.tmpfs = this.dataRoot;
    }
    this.bridge = `dlv${process.pid % 100000}`;
    const subnet = `10.${200 + (process.pid % 50)}.${process.pid % 250}.1/24`;
    execFileSync("ip", ["link", "add", "name", this.bridge, "type", "bridge"]);
    // A fixed MAC, as dockerd gives its own docker0: otherwise the bridge takes the lowest MAC of
    // its ports, which changes when a stopped container's veth leaves, and the containers still
    // running answer the old MAC until their ARP entries expire (~30 s of silence).
    const mac = (process.pid % 0xffffff).toString(16).padStart(6, "0").match(/../g)!.join(":");
    execFileSync("ip", ["link", "set", "dev", this.bridge, "address", `02:42:ac:${mac}`]);
    execFileSync("ip", ["addr", "add", subnet, "dev", this.bridge]);
    execFileSync("ip", ["link", "set", this.bridge, "up"]);

    const sock = path.join(this.tmp, "docker.sock");
    const log = path.join(this.tmp, "dockerd.log");
    const logFd = fs.openSync(log, "a");
    this.dockerd = spawn(
      "dockerd",
      [
        "-H",
        `unix://${sock}`,
        "--data-root",
        this.dataRoot,
        "--exec-root",
        path.join(this.tmp, "exec"),
        "--pidfile",
        path.join(this.tmp, "dockerd.pid"),
        `--bridge=${this.bridge}`,
        "--iptables=false",
        "--ip6tables=false",
        "--ip-forward=false",
        "--ip-masq=false",
      ],
      { stdio: ["ignore", logFd, logFd] },
    );
    fs.closeSync(logFd);
    let dockerdExit = "";
    this.dockerd.on("exit", (code, signal) => (dockerdExit = `dockerd exited (${code ?? signal})`));
    Object.assign(this.env, process.env, {
      DOCKER_HOST: `unix://${sock}`,
      DOCKER_BUILDKIT: "0",
      DOCKER_CONFIG: path.join(this.tmp, "docker-config"),
    });
    await waitFor(
      "dockerd",
      () => !dockerdExit && spawnSync("docker", ["version"], { env: this.env, stdio: "ignore" }).status === 0,
      30_000,
      () => `${dockerdExit}\n${tail(log)}`,
    );

    const port = await freePort();
    this.registryHost = `127.0.0.1:${port}`;
    this.registryConfig = path.join(this.tmp, "registry.yml");
    fs.writeFileSync(
      this.registryConfig,
      stringify({
        version: 0.1,
        log: { level: "warn" },
        storage: {
          filesystem: { rootdirectory: path.join(this.tmp, "registry") },
          delete: { enabled: true },
        },
        http: { addr: this.registryHost },
      }),
    );
    await this.startRegistry();

    const runtime = this.proxyRuntimeDir;
    fs.mkdirSync(runtime, { mode: 0o700 });
    this.proxyPort = await freePort();
    const proxyLog = path.join(this.tmp, "kamal-proxy.log");
    const proxyFd = fs.openSync(proxyLog, "a");
    this.proxy = spawn(
      KAMAL_PROXY,
      ["run", "--http-port", String(this.proxyPort), "--https-port", String(await freePort())],
      {
        stdio: ["ignore", proxyFd, proxyFd],
        env: { ...process.env, HOME: this.proxyHome, XDG_RUNTIME_DIR: runtime },
      },
    );
    fs.closeSync(proxyFd);
    let proxyExit = "";
    this.proxy.on("error", (e) => (proxyExit = `kamal-proxy: ${e.message} (run scripts/test-tools.sh)`));
    this.proxy.on("exit", (code, signal) => (proxyExit = `kamal-proxy exited (${code ?? signal})`));
    await waitFor(
      "kamal-proxy",
      async () => !proxyExit && (await get(this.proxyPort, "/")).status > 0,
      10_000,
      () => `${proxyExit}\n${tail(proxyLog)}`,
    );

    fs.mkdirSync(this.configDir);
    fs.mkdirSync(this.parameterRoot);
    fs.writeFileSync(path.join(this.tmp, "deploy-agent"), deployAgentScript(), { mode: 0o755 });
    const bin = path.join(this.tmp, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "aws"), AWS_STUB, { mode: 0o755 });
    Object.assign(this.env, {
      PATH: `${bin}:${path.dirname(KAMAL_PROXY)}:${process.env.PATH}`,
      AWS_STUB_PARAMETERS: this.parameterRoot,
      AWS_STUB_LOG: path.join(this.tmp, "aws-calls.log"),
      DELIVERY_AGENT_CONFIG_DIR: this.configDir,
      DELIVERY_AGENT_STATE_DIR: path.join(this.tmp, "agent-state"),
      DELIVERY_AGENT_PROXY_RUNTIME_DIR: runtime,
      DELIVERY_AGENT_PROXY_ACME_CACHE: path.join(this.proxyHome, "certs"),
      DELIVERY_AGENT_HEALTH_TIMEOUT: "6",
      DELIVERY_AGENT_DRAIN_TIMEOUT: "5",
      // busybox httpd as PID 1 ignores SIGTERM: do not wait the production grace period for it.
      DELIVERY_AGENT_STOP_TIMEOUT: "1",
      DELIVERY_AGENT_WORKER_SETTLE: "2",
    });
  }

  async startRegistry(): Promise<void> {
    const regLog = path.join(this.tmp, "registry.log");
    const regFd = fs.openSync(regLog, "a");
    this.registry = spawn("docker-registry", ["serve", this.registryConfig], {
      stdio: ["ignore", regFd, regFd],
    });
    fs.closeSync(regFd);
    const port = Number(this.registryHost.split(":")[1]);
    await waitFor(
      "docker-registry",
      async () => (await get(port, "/v2/")).status === 200,
      10_000,
      () => tail(regLog),
    );
  }

  async stopRegistry(): Promise<void> {
    await stopChild(this.registry);
    this.registry = undefined;
  }

  /** Deletes a manifest from the registry, as an expired lifecycle rule or a person would. */
  async deleteManifest(image: string): Promise<number> {
    const [repo, digest] = image.slice(this.registryHost.length + 1).split("@");
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: Number(this.registryHost.split(":")[1]),
          method: "DELETE",
          path: `/v2/${repo}/manifests/${digest}`,
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", () => resolve(0));
      req.end();
    });
  }

  /** A site of the agent: its settings file and (for a service) its release parameter. */
  addSite(
    settings: Omit<AgentSiteSettings, "environment" | "releaseParameter" | "registry"> & { service: string },
  ) {
    const releaseParameter = `/delivery/${TEAM}/${ENVIRONMENT}/${settings.service}/release`;
    const { service, ...rest } = settings;
    const site = { ...rest, environment: ENVIRONMENT, releaseParameter, registry: this.repository(service) };
    fs.writeFileSync(path.join(this.configDir, "environment.conf"), environmentSettingsFile(site));
    fs.writeFileSync(path.join(this.configDir, `${settings.site}.env`), agentSettingsFile(site));
    return releaseParameter;
  }

  setParameter(name: string, value: string | undefined): void {
    const file = path.join(this.parameterRoot, name);
    if (value === undefined) {
      fs.rmSync(file, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, value);
  }

  parameter(name: string): string | undefined {
    const file = path.join(this.parameterRoot, name);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  }

  awsCalls(): string[] {
    const file = this.env.AWS_STUB_LOG as string;
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  }

  /**
   * An image FROM scratch with busybox-static, pushed (only its digest stays, so the agent pulls it):
   * `/` says `index`; `/healthz` exists when healthy.
   */
  buildImage(service: string, tag: string, o: ImageOptions): string {
    const dir = fs.mkdtempSync(path.join(this.tmp, "img-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.mkdirSync(path.join(dir, "www"));
    for (const name of o.shell ? ["busybox", "sh"] : ["busybox"]) {
      fs.copyFileSync("/bin/busybox", path.join(dir, "bin", name));
      fs.chmodSync(path.join(dir, "bin", name), 0o755);
    }
    fs.writeFileSync(path.join(dir, "www", "index.html"), o.index);
    if (o.healthy ?? true) fs.writeFileSync(path.join(dir, "www", "healthz"), "ok");
    const cmd = o.cmd ?? ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"];
    fs.writeFileSync(
      path.join(dir, "Dockerfile"),
      ["FROM scratch", "COPY bin /bin", "COPY www /www", `CMD ${JSON.stringify(cmd)}`, ""].join("\n"),
    );
    return this.pushImage(service, tag, dir, []);
  }

  pushImage(service: string, tag: string, dir: string, buildArgs: string[]): string {
    const ref = `${this.repository(service)}:${tag}`;
    this.docker("build", "--quiet", ...buildArgs, "--tag", ref, dir);
    this.docker("push", ref);
    const digest = this.docker("inspect", "--format", "{{index .RepoDigests 0}}", ref);
    // Only the digest stays: the agent must pull what it does not have.
    this.docker("image", "rm", ref);
    return digest;
  }

  hasImage(image: string): boolean {
    return spawnSync("docker", ["image", "inspect", image], { env: this.env, stdio: "ignore" }).status === 0;
  }

  /** Runs the agent without blocking the event loop (load keeps flowing while it works). */
  agent(...args: string[]): Promise<AgentResult> {
    return new Promise((resolve) => {
      const child = spawn("bash", [path.join(this.tmp, "deploy-agent"), ...args], { env: this.env });
      let output = "";
      child.stdout.on("data", (c) => (output += c));
      child.stderr.on("data", (c) => (output += c));
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      child.on("close", (status) => {
        clearTimeout(timer);
        resolve({ status, output });
      });
    });
  }

  async stop(): Promise<void> {
    await stopChild(this.proxy);
    await stopChild(this.registry);
    if (this.env.DOCKER_HOST) {
      const ids = spawnSync("docker", ["ps", "--all", "--quiet"], { env: this.env, encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean);
      if (ids.length > 0) spawnSync("docker", ["rm", "--force", ...ids], { env: this.env, stdio: "ignore" });
    }
    await stopChild(this.dockerd);
    if (this.bridge) spawnSync("ip", ["link", "del", this.bridge]);
    if (this.tmpfs) spawnSync("umount", ["--lazy", this.tmpfs]);
    if (this.tmp && !process.env.KEEP_SERVER_HARNESS) fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Stub `aws`: SSM parameters are files under $AWS_STUB_PARAMETERS; every call is logged. */
const AWS_STUB = `#!/usr/bin/env bash
set -euo pipefail
printf '%s\\n' "$*" >>"$AWS_STUB_LOG"
op="$1 $2"; shift 2
name=""; path=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) name="$2"; shift 2;;
    --path) path="$2"; shift 2;;
    *) shift;;
  esac
done
case "$op" in
  "ssm get-parameter")
    file="$AWS_STUB_PARAMETERS$name"
    [[ -f "$file" ]] || { echo "An error occurred (ParameterNotFound) when calling the GetParameter operation" >&2; exit 254; }
    cat "$file"; echo;;
  "ssm get-parameters-by-path")
    dir="$AWS_STUB_PARAMETERS$path"
    [[ -d "$dir" ]] || exit 0
    find "$dir" -type f | sort | while read -r f; do printf '%s\\t%s\\n' "\${f#"$AWS_STUB_PARAMETERS"}" "$(cat "$f")"; done;;
  "ssm put-parameter")
    echo "An error occurred (AccessDeniedException) when calling the PutParameter operation: not authorized" >&2; exit 254;;
  *) echo "unexpected aws call: $op" >&2; exit 2;;
esac
`;

export interface LoadResult {
  readonly requests: number;
  readonly failed: number;
  readonly failures: string[];
  /** The slowest answer, in milliseconds. */
  readonly slowestMs: number;
}

/** The line the tests and the benchmark print. */
export function loadLine(what: string, l: LoadResult): string {
  return `zero-downtime ${what}: ${l.requests} requests, ${l.failed} failed (slowest ${Math.round(l.slowestMs)} ms)`;
}

/**
 * Constant load on the proxy while `during` runs: `concurrency` clients in a loop, at least
 * `minimum` requests, never longer than `maxMs`. A request fails unless it answers 200 with a body
 * `accept` recognises within 30 s (kamal-proxy's own default target timeout); the slowest answer
 * is reported beside the count.
 */
export async function underLoad<T>(
  port: number,
  urlPath: string,
  during: () => Promise<T>,
  accept: (body: string) => boolean,
  o: { concurrency?: number; minimum?: number; maxMs?: number } = {},
): Promise<{ load: LoadResult; result: T }> {
  const minimum = o.minimum ?? 1000;
  const deadline = Date.now() + (o.maxMs ?? 120_000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency ?? 4 });
  let requests = 0;
  let failed = 0;
  let slowestMs = 0;
  const failures: string[] = [];
  let done = false;
  const client = async () => {
    while ((!done || requests < minimum) && Date.now() < deadline) {
      const started = process.hrtime.bigint();
      const r = await get(port, urlPath, agent, 30_000);
      slowestMs = Math.max(slowestMs, Number(process.hrtime.bigint() - started) / 1e6);
      requests++;
      if (r.status !== 200 || !accept(r.body.trim())) {
        failed++;
        if (failures.length < 5) failures.push(`${r.status} ${r.error ?? r.body.trim().slice(0, 80)}`);
      }
    }
  };
  const clients = Array.from({ length: o.concurrency ?? 4 }, client);
  // Let the load settle before the operation starts.
  await new Promise((r) => setTimeout(r, 200));
  const result = await during();
  done = true;
  await Promise.all(clients);
  agent.destroy();
  return { load: { requests, failed, failures, slowestMs }, result };
}
