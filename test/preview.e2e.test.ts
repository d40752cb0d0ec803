/**
 * Pull-request previews end to end, on a real Docker engine, a real registry and a real
 * kamal-proxy (all on loopback): two previews of one service side by side, each at its own address
 * with its own content; an update of one under load disturbs neither (0 failed requests); removing
 * one leaves the other serving; the sweep removes an expired preview and keeps a fresh one (the
 * clock is faked with PREVIEW_NOW); the limit refuses the next preview with its message; the seed
 * command runs once; a preview domain routes by host; images outside the service's registry are
 * refused.
 *
 * Needs root, Debian's docker.io, docker-registry, busybox-static, and kamal-proxy
 * (`npm run test:setup` installs them). Nothing is skipped: if a part cannot start, the test fails.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import {
  previewAddress,
  previewAgentScript,
  previewEnvFile,
  previewSettingsFile,
  type PreviewAgentSettings,
} from "../components/aws/preview-agent";
import { previewDocumentContent } from "../components/aws/preview-document";
import { ServerHarness } from "./server-harness";

jest.setTimeout(180_000);

const SERVICE = "cart-api";
const HOST_SERVICE = "cart-web";
const DOMAIN = "previews.test";
const DAY = 86_400;

// The Docker engine, registry and kamal-proxy of the server-runtime tests; the previews' agent
// runs beside them instead of the deploy agent.
const h = new ServerHarness();
let portBase = 0;
const env: NodeJS.ProcessEnv = {};

/** A run of `count` consecutive free loopback ports (for the previews' port range). */
async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 30000 + Math.floor(Math.random() * 2000) * 10;
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => canListen(start + i)));
    if (checks.every(Boolean)) return start;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

const docker = (...args: string[]) => h.docker(...args);

const agent = new http.Agent({ keepAlive: false });
// A request fails when it is refused, reset or answered with an error, not when a machine shared
// by many test runs is slow to schedule it: the client waits up to 30 s before it counts one.

function get(
  port: number,
  urlPath: string,
  host?: string,
): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: "127.0.0.1", port, path: urlPath, timeout: 30_000, agent, headers: host ? { host } : {} },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", () => resolve({ status: 0, body: "" }));
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, body: "", error: e.code ?? e.message }),
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
  });
}

/** An image FROM scratch with busybox-static (also as /bin/sh) serving `index` and /healthz. */
function buildImage(service: string, tag: string, index: string, healthy = true): string {
  const digest = h.buildImage(service, tag, { index, healthy, shell: true });
  expect(digest).toMatch(/@sha256:[0-9a-f]{64}$/);
  return digest;
}

const publicBaseUrl = () => `http://127.0.0.1:${h.proxyPort}`;

function settings(service: string, extra: Partial<PreviewAgentSettings> = {}): string {
  const file = path.join(h.tmp, `${service}.env`);
  fs.writeFileSync(
    file,
    previewSettingsFile({
      service,
      registry: h.repository(service),
      containerPort: 8080,
      healthCheckPath: "/healthz",
      maxPreviews: 2,
      ttlDays: 3,
      memoryMb: 128,
      publicBaseUrl: publicBaseUrl(),
      portBase,
      portCount: 20,
      proxySocket: h.proxySocket,
      ...extra,
    }),
  );
  return file;
}

interface Run {
  status: number | null;
  stdout: string;
  output: string;
}

function previewAgent(settingsFile: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync("bash", [path.join(h.tmp, "preview-agent"), ...args], {
    env: { ...env, PREVIEW_SETTINGS: settingsFile, ...extraEnv },
    encoding: "utf8",
    timeout: 90_000,
  });
  return { status: r.status, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
}

function previewAgentAsync(
  settingsFile: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("bash", [path.join(h.tmp, "preview-agent"), ...args], {
      env: { ...env, PREVIEW_SETTINGS: settingsFile, ...extraEnv },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("exit", (status) => resolve({ status, stdout, output: `${stdout}${stderr}` }));
  });
}

const previewPath = (pr: number) =>
  new URL(previewAddress({ service: SERVICE, pr, publicBaseUrl: publicBaseUrl() })).pathname;

async function body(pr: number, file = ""): Promise<string> {
  return (await get(h.proxyPort, `${previewPath(pr)}${file}`)).body.trim();
}

beforeAll(async () => {
  await h.start();
  portBase = await freeRange(20);
  fs.writeFileSync(path.join(h.tmp, "preview-agent"), previewAgentScript(), { mode: 0o755 });
  // The harness's environment (DOCKER_HOST, DOCKER_CONFIG, ...) and kamal-proxy's, as on a server:
  // its socket is $XDG_RUNTIME_DIR/kamal-proxy.sock (/run/kamal-proxy there).
  Object.assign(env, h.env, {
    KAMAL_PROXY_SOCKET: h.proxySocket,
    XDG_RUNTIME_DIR: h.proxyRuntimeDir,
    HOME: h.proxyHome,
    PREVIEW_STATE_DIR: path.join(h.tmp, "state"),
    PREVIEW_HEALTH_TIMEOUT: "10",
    // busybox httpd as PID 1 ignores SIGTERM: do not wait the production grace period for it.
    PREVIEW_STOP_TIMEOUT: "1",
  });
});

afterAll(async () => {
  agent.destroy();
  await h.stop();
});

/**
 * Sends `min`..`max` GETs to each path (4 at a time) until `done` resolves and at least `min`
 * went to each; bounded in count and in time (60 s). Returns per path: sent, failed, bodies seen.
 */
async function load(
  paths: string[],
  done: Promise<unknown>,
  min = 1000,
  max = 20_000,
): Promise<Record<string, { sent: number; failed: number; bodies: Set<string>; statuses: string[] }>> {
  let finished = false;
  void done.then(() => (finished = true));
  const deadline = Date.now() + 60_000;
  const stats = Object.fromEntries(
    paths.map((p) => [p, { sent: 0, failed: 0, bodies: new Set<string>(), statuses: [] as string[] }]),
  );
  const worker = async (p: string) => {
    const s = stats[p];
    while (s.sent < max && Date.now() < deadline && (!finished || s.sent < min)) {
      s.sent++;
      const r = await get(h.proxyPort, p);
      if (r.status !== 200) {
        s.failed++;
        s.statuses.push(`${Date.now() % 100000}:${r.status}:${r.error ?? r.body.slice(0, 40)}`);
      } else s.bodies.add(r.body.trim());
    }
  };
  await Promise.all(paths.flatMap((p) => [worker(p), worker(p)]));
  return stats;
}

describe("previews on a real Docker engine behind kamal-proxy", () => {
  let a1 = "";
  let a2 = "";
  let b1 = "";
  let c1 = "";
  let file = "";

  beforeAll(() => {
    a1 = buildImage(SERVICE, "sha-a1", "preview one, first push");
    a2 = buildImage(SERVICE, "sha-a2", "preview one, second push");
    b1 = buildImage(SERVICE, "sha-b1", "preview two");
    c1 = buildImage(SERVICE, "sha-c1", "preview three");
    const envFile = path.join(h.tmp, "container.env");
    fs.writeFileSync(
      envFile,
      previewEnvFile({ LOG_LEVEL: "debug", API_BASE: "http://integration.internal" }),
    );
    file = settings(SERVICE, { containerEnvFile: envFile, seedCommand: "echo seeded > /www/seed.txt" });
  });

  it("runs two previews side by side, each at its own address with its own content", async () => {
    const one = previewAgent(file, ["deploy", "1", a1]);
    expect(one.output).toContain("now serves");
    expect(one.status).toBe(0);
    const two = previewAgent(file, ["deploy", "2", b1]);
    expect(two.status).toBe(0);
    expect(one.stdout).toContain(`url=${publicBaseUrl()}/previews/${SERVICE}/pr-1/`);
    expect(two.stdout).toContain(
      `url=${previewAddress({ service: SERVICE, pr: 2, publicBaseUrl: publicBaseUrl() })}`,
    );
    expect(await body(1)).toBe("preview one, first push");
    expect(await body(2)).toBe("preview two");
    expect(docker("ps", "--format", "{{.Names}}").split("\n").sort()).toEqual([
      `${SERVICE}-pr-1`,
      `${SERVICE}-pr-2`,
    ]);
  });

  it("gives previews the integration settings and PREVIEW=true, on loopback only", () => {
    const vars = JSON.parse(
      docker("inspect", "--format", "{{json .Config.Env}}", `${SERVICE}-pr-1`),
    ) as string[];
    expect(vars).toEqual(expect.arrayContaining(["LOG_LEVEL=debug", "PREVIEW=true", "PREVIEW_PR=1"]));
    // services[i].memoryMb is the container's limit, the unit the spec sizes the server by.
    expect(docker("inspect", "--format", "{{.HostConfig.Memory}}", `${SERVICE}-pr-1`)).toBe(
      String(128 * 1024 * 1024),
    );
    const ports = docker("port", `${SERVICE}-pr-1`);
    expect(ports).toMatch(/^8080\/tcp -> 127\.0\.0\.1:\d+$/);
  });

  it("runs the seed command once, after the first deploy", async () => {
    expect(await body(1, "seed.txt")).toBe("seeded");
    expect(fs.existsSync(path.join(h.tmp, "state", SERVICE, "pr-1", "seeded"))).toBe(true);
  });

  it("updates one preview under load without a failed request to either", async () => {
    const update = previewAgentAsync(file, ["deploy", "1", a2]);
    const stats = await load([previewPath(1), previewPath(2)], update);
    const result = await update;
    expect(result.output).toContain("now serves");
    expect(result.status).toBe(0);
    for (const [p, s] of Object.entries(stats))
      console.log(`${p}: ${s.sent} requests, ${s.failed} failed ${s.statuses.join(" ")}`);
    const one = stats[previewPath(1)];
    const two = stats[previewPath(2)];
    expect(two.sent).toBeGreaterThanOrEqual(1000);
    expect(two.failed).toBe(0);
    expect([...two.bodies]).toEqual(["preview two"]);
    expect(one.sent).toBeGreaterThanOrEqual(1000);
    expect(one.failed).toBe(0);
    // The switch happened while the load ran: both pushes answered it.
    expect([...one.bodies].sort()).toEqual(["preview one, first push", "preview one, second push"]);
    expect(await body(1)).toBe("preview one, second push");
    // The seed ran once: the update's new container was not seeded again.
    expect(result.output).not.toContain("seeding");
    expect(docker("ps", "--all", "--format", "{{.Names}}").split("\n").sort()).toEqual([
      `${SERVICE}-pr-1`,
      `${SERVICE}-pr-2`,
    ]);
  });

  it("refuses the preview after the limit, naming the running ones and the spec key", async () => {
    const r = previewAgent(file, ["deploy", "3", c1]);
    expect(r.status).toBe(3);
    expect(r.stdout.trim()).toBe(
      `preview limit reached: 2 previews of ${SERVICE} are running (pr-1, pr-2); close one or raise team.previews.maxPerService`,
    );
    expect((await get(h.proxyPort, previewPath(3))).status).toBe(404);
    // A push to a running preview is not a new one: it is still allowed.
    expect(previewAgent(file, ["deploy", "2", b1]).status).toBe(0);
  });

  it("keeps a preview serving when its update fails the health check", async () => {
    const broken = buildImage(SERVICE, "sha-broken", "broken", false);
    const r = previewAgent(file, ["deploy", "2", broken]);
    expect(r.status).toBe(1);
    expect(r.output).toContain("did not pass its health check (/healthz)");
    expect(await body(2)).toBe("preview two");
    expect(docker("ps", "--all", "--format", "{{.Names}}").split("\n").sort()).toEqual([
      `${SERVICE}-pr-1`,
      `${SERVICE}-pr-2`,
    ]);
  });

  it("refuses an image outside the service's registry", () => {
    const other = buildImage("payments-worker", "sha-x", "not cart-api");
    const r = previewAgent(file, ["deploy", "1", other]);
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      `previews of ${SERVICE} run only ${h.registryHost}/checkout/${SERVICE}@sha256:`,
    );
    const byTag = previewAgent(file, ["deploy", "1", `${h.registryHost}/checkout/${SERVICE}:sha-a1`]);
    expect(byTag.status).toBe(1);
  });

  it("removes one preview and leaves the other serving", async () => {
    const r = previewAgent(file, ["remove", "1"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("removed=pr-1\npreviews_left=1");
    expect((await get(h.proxyPort, previewPath(1))).status).toBe(404);
    expect(await body(2)).toBe("preview two");
    expect(docker("ps", "--all", "--format", "{{.Names}}")).toBe(`${SERVICE}-pr-2`);
    // Removing again (a second close event) is not an error.
    expect(previewAgent(file, ["remove", "1"]).status).toBe(0);
  });

  it("sweeps a preview idle longer than the TTL and keeps a fresh one", async () => {
    const now = Math.floor(Date.now() / 1000);
    // pr-3 was last deployed 4 days ago (the agent's clock faked); pr-2 was deployed just now.
    expect(previewAgent(file, ["deploy", "3", c1], { PREVIEW_NOW: String(now - 4 * DAY) }).status).toBe(0);
    expect(await body(3)).toBe("preview three");
    const r = previewAgent(file, ["sweep"], { PREVIEW_NOW: String(now + 60) });
    expect(r.status).toBe(0);
    // previews_left counts every service's previews on the server: pr-2 is left.
    expect(r.stdout.trim()).toBe("removed=pr-3\npreviews_left=1");
    expect(r.output).toMatch(/kept pr-2/);
    expect((await get(h.proxyPort, previewPath(3))).status).toBe(404);
    expect(await body(2)).toBe("preview two");
    // Three days later pr-2 is idle too.
    const later = previewAgent(file, ["sweep"], { PREVIEW_NOW: String(now + 3 * DAY + 120) });
    expect(later.stdout.trim()).toBe("removed=pr-2\npreviews_left=0");
    expect(previewAgent(file, ["list"]).stdout).toBe("");
  });

  it("runs the preview document's own script as SSM would (parameters as SSM_ variables)", async () => {
    const content = previewDocumentContent({
      team: "checkout",
      environment: "integration",
      service: SERVICE,
      registryUrl: `${h.registryHost}/checkout/${SERVICE}`,
      containerPort: 8080,
      healthCheckPath: "/healthz",
      maxPerService: 2,
      ttlDays: 3,
      memoryMb: 128,
      publicBaseUrl: publicBaseUrl(),
      config: { LOG_LEVEL: "warn" },
      dockerConfigDir: env.DOCKER_CONFIG,
      proxySocket: env.KAMAL_PROXY_SOCKET,
      // The server's /run and /var/lib folders become the test's.
      runDir: path.join(h.tmp, "run"),
      stateDir: path.join(h.tmp, "document-state"),
    }) as { mainSteps: { inputs: { runCommand: string[] } }[] };
    const script = content.mainSteps[0].inputs.runCommand.join("\n");
    const ssm = (vars: Record<string, string>) =>
      spawnSync("bash", ["-c", script], {
        env: { ...env, PREVIEW_STATE_DIR: "", ...vars },
        encoding: "utf8",
        timeout: 90_000,
      });
    const deploy = ssm({ SSM_action: "deploy", SSM_pr: "11", SSM_image: b1 });
    expect(`${deploy.stdout}${deploy.stderr}`).toContain("now serves");
    expect(deploy.status).toBe(0);
    expect(await body(11)).toBe("preview two");
    const vars = JSON.parse(
      docker("inspect", "--format", "{{json .Config.Env}}", `${SERVICE}-pr-11`),
    ) as string[];
    expect(vars).toEqual(expect.arrayContaining(["LOG_LEVEL=warn", "PREVIEW=true"]));
    const remove = ssm({ SSM_action: "remove", SSM_pr: "11", SSM_image: "" });
    expect(remove.status).toBe(0);
    expect((await get(h.proxyPort, previewPath(11))).status).toBe(404);
  });

  it("routes by host name when the team has a preview domain", async () => {
    const web = buildImage(HOST_SERVICE, "sha-w1", "web preview seven");
    const hostFile = settings(HOST_SERVICE, { domain: DOMAIN, tls: false });
    const r = previewAgent(hostFile, ["deploy", "7", web]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`url=http://pr-7.${HOST_SERVICE}.${DOMAIN}/`);
    expect((await get(h.proxyPort, "/", `pr-7.${HOST_SERVICE}.${DOMAIN}`)).body.trim()).toBe(
      "web preview seven",
    );
    expect((await get(h.proxyPort, "/", `pr-8.${HOST_SERVICE}.${DOMAIN}`)).status).toBe(404);
    expect(previewAgent(hostFile, ["remove", "7"]).status).toBe(0);
  });

  it("reads the server's address from instance metadata (IMDSv2) when it changes at every start", async () => {
    // Previews' own server is stopped while idle and gets a new public IPv4 at every start: its
    // settings say PUBLIC_BASE_URL=metadata. A loopback stand-in answers as IMDSv2 does: a token
    // from PUT /latest/api/token, the address only to a request carrying that token. (The agent
    // runs asynchronously: this process answers it.)
    let address = "198.51.100.7";
    const imds = http.createServer((req, res) => {
      if (
        req.method === "PUT" &&
        req.url === "/latest/api/token" &&
        req.headers["x-aws-ec2-metadata-token-ttl-seconds"]
      ) {
        res.end("token-1");
      } else if (
        req.url === "/latest/meta-data/public-ipv4" &&
        req.headers["x-aws-ec2-metadata-token"] === "token-1"
      ) {
        res.end(address);
      } else {
        res.statusCode = 401;
        res.end();
      }
    });
    await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));
    try {
      const metadataUrl = `http://127.0.0.1:${(imds.address() as net.AddressInfo).port}`;
      const file = settings(SERVICE, { publicBaseUrl: "metadata" });
      const first = await previewAgentAsync(file, ["deploy", "21", b1], {
        PREVIEW_METADATA_URL: metadataUrl,
      });
      expect(first.output).toContain("now serves");
      expect(first.stdout).toContain(`url=http://198.51.100.7/previews/${SERVICE}/pr-21/`);
      const vars = JSON.parse(
        docker("inspect", "--format", "{{json .Config.Env}}", `${SERVICE}-pr-21`),
      ) as string[];
      expect(vars).toContain(`PREVIEW_URL=http://198.51.100.7/previews/${SERVICE}/pr-21/`);
      // Logs never block the preview: the container says non-blocking itself (daemon.json's
      // log-opts do not reach a container that names its own driver).
      expect(
        docker("inspect", "--format", '{{index .HostConfig.LogConfig.Config "mode"}}', `${SERVICE}-pr-21`),
      ).toBe("non-blocking");
      // Stopped and started: a new address, and the next deploy says it.
      address = "203.0.113.44";
      const again = await previewAgentAsync(file, ["deploy", "21", a2], {
        PREVIEW_METADATA_URL: metadataUrl,
      });
      expect(again.stdout).toContain(`url=http://203.0.113.44/previews/${SERVICE}/pr-21/`);
      expect(await body(21)).toBe("preview one, second push");
      // Without instance metadata the deploy fails and says why (nothing is started).
      const blind = previewAgent(file, ["deploy", "22", c1], { PREVIEW_METADATA_URL: "http://127.0.0.1:9" });
      expect(blind.status).toBe(1);
      expect(blind.output).toContain("cannot read instance metadata");
      expect(docker("ps", "--all", "--format", "{{.Names}}")).toBe(`${SERVICE}-pr-21`);
      const removed = await previewAgentAsync(file, ["remove", "21"], { PREVIEW_METADATA_URL: metadataUrl });
      expect(removed.stdout.trim()).toBe("removed=pr-21\npreviews_left=0");
    } finally {
      await new Promise((resolve) => imds.close(resolve));
    }
  });
});
