/**
 * `docker run` failing for a taken host port, and the other ways a release's container can lose
 * its port or its slot, on the real Docker engine, registry and kamal-proxy of {@link ServerHarness}.
 *
 * What the real engine does (moby libnetwork, read for this test; seen here on Debian's 20.10):
 * - a port Docker picks (`127.0.0.1::8080`) comes from its own table of the ports *it* handed out,
 *   sequentially in the kernel's ephemeral range (portallocator.go `findPort`), retried on 10 ports
 *   when another process holds one (drivers/bridge port_mapping.go `maxAllocatePortAttempts`);
 * - but it is picked again whenever the container starts: a container Docker restarts (a crash,
 *   a reboot) comes back on another port, and kamal-proxy keeps routing to the old one.
 * So the agent picks the port itself, below the ephemeral range (deploy-agent.sh `free_port`):
 * no port in use by a container, nothing listening there; Docker binds that port again on every
 * restart, and does not retry a port it was given, so the agent tries the next free one when the
 * bind fails. The tests make each case real: a listener the agent sees and skips; ports bound
 * without listening (what a process that binds between the agent's check and Docker's bind
 * leaves), which make Docker's bind fail with "address already in use"; a crash of the serving
 * container; a stale container in the next slot; an agent killed between its switch and its record.
 *
 * Needs root and scripts/test-tools.sh, like server-runtime.e2e.test.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as readline from "node:readline";
import { get, KAMAL_PROXY, loadLine, ServerHarness, underLoad, type LoadResult } from "./server-harness";

jest.setTimeout(180_000);

const SERVICE = "cart-api";
const h = new ServerHarness();
let releaseParameter = "";
const images: Record<string, string> = {};

/** The agent's `docker run`s per release (DELIVERY_AGENT_START_ATTEMPTS' default). */
const AGENT_START_ATTEMPTS = 3;

const serving = async () => (await get(h.proxyPort, `/${SERVICE}/`)).body.trim();

/** Host port a container is published on. */
const portOf = (container: string) =>
  Number(h.docker("port", container, "8080/tcp").split("\n")[0].split(":").pop());

/**
 * Binds `count` consecutive loopback ports without listening, from the first block at or above
 * `from` where all of them are free; the agent's /dev/tcp check finds nothing there, Docker's bind
 * fails. Returns the block's first port and the holder process.
 */
async function bindPorts(from: number, count: number): Promise<{ base: number; holder: ChildProcess }> {
  const script = [
    "import socket, sys",
    "base, n = int(sys.argv[1]), int(sys.argv[2])",
    "while True:",
    "    held = []",
    "    try:",
    "        for p in range(base, base + n):",
    "            s = socket.socket()",
    "            s.bind(('127.0.0.1', p))",
    "            held.append(s)",
    "        break",
    "    except OSError:",
    "        for s in held: s.close()",
    "        base += n",
    "print(base, flush=True)",
    "sys.stdin.read()",
  ].join("\n");
  const holder = spawn("python3", ["-c", script, String(from), String(count)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: holder.stdout! }).once("line", resolve);
    holder.once("exit", (code) => reject(new Error(`port holder exited (${code})`)));
  });
  return { base: Number(line), holder };
}

function unbind(holder: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (holder.exitCode !== null) return resolve();
    holder.once("exit", () => resolve());
    holder.kill("SIGTERM");
  });
}

/** A free block of loopback ports below the ephemeral range: the agent's range for this file. */
async function freeBlock(count: number): Promise<number> {
  const { base, holder } = await bindPorts(22000 + (process.pid % 200) * 20, count);
  await unbind(holder);
  return base;
}

beforeAll(async () => {
  await h.start();
  // Its own block of the range (other suites may run agents on this machine at the same time).
  h.env.DELIVERY_AGENT_PORT_BASE = String(await freeBlock(40));
  h.env.DELIVERY_AGENT_PORT_COUNT = "40";
  releaseParameter = h.addSite({
    site: SERVICE,
    service: SERVICE,
    containerPort: 8080,
    healthCheckPath: "/healthz",
    pathPrefix: `/${SERVICE}`,
    keepReleases: 2,
  });
  for (const name of ["v1", "v2", "v3", "v4", "v5"])
    images[name] = h.buildImage(SERVICE, `${name}.0.0`, { index: name });
  const first = await h.agent("deploy", SERVICE, images.v1, "v1.0.0");
  expect(first.status).toBe(0);
  h.setParameter(releaseParameter, images.v1);
  expect(await serving()).toBe("v1");
  expect(portOf(`${SERVICE}-A`)).toBe(Number(h.env.DELIVERY_AGENT_PORT_BASE));
});

afterAll(() => h.stop());

function report(what: string, load: LoadResult) {
  console.log(loadLine(what, load));
  expect(load.failures).toEqual([]);
  expect(load.failed).toBe(0);
  expect(load.requests).toBeGreaterThanOrEqual(1000);
}

async function stillServing(body: string, parameter: string) {
  expect(await serving()).toBe(body);
  expect(h.parameter(releaseParameter)).toBe(parameter);
  expect(h.awsCalls().filter((c) => c.includes("put-parameter"))).toEqual([]);
}

/** Points the agent's range at `base` for one call. */
async function withPortBase<T>(base: number, run: () => Promise<T>): Promise<T> {
  const before = h.env.DELIVERY_AGENT_PORT_BASE;
  h.env.DELIVERY_AGENT_PORT_BASE = String(base);
  try {
    return await run();
  } finally {
    h.env.DELIVERY_AGENT_PORT_BASE = before;
  }
}

describe("docker run fails: the host port is taken", () => {
  it("every port the agent tries is bound by another process: the deploy fails, v1 serves on, 0 failed requests", async () => {
    const { base, holder } = await bindPorts(
      Number(h.env.DELIVERY_AGENT_PORT_BASE) + 10,
      AGENT_START_ATTEMPTS,
    );
    let result;
    try {
      const run = await withPortBase(base, () =>
        underLoad(
          h.proxyPort,
          `/${SERVICE}/`,
          () => h.agent("deploy", SERVICE, images.v2, "v2.0.0"),
          (b) => b === "v1",
        ),
      );
      result = run.result;
      report("failed deploy (host port taken)", run.load);
    } finally {
      await unbind(holder);
    }
    // Docker's own refusal, for each port in turn.
    for (let i = 0; i < AGENT_START_ATTEMPTS; i++)
      expect(result.output).toContain(`127.0.0.1:${base + i}: bind: address already in use`);
    expect(result.output).toContain(`attempt ${AGENT_START_ATTEMPTS} of ${AGENT_START_ATTEMPTS}`);
    expect(result.output).toContain("docker could not start");
    expect(result.status).not.toBe(0);
    // Nothing is left behind in the slot the release would have used.
    expect(h.docker("ps", "--all", "--format", "{{.Names}}").split("\n")).toEqual([`${SERVICE}-A`]);
    await stillServing("v1", images.v1);
    expect((await h.agent("status", SERVICE)).output).toContain("current=v1.0.0\n");
  });

  it("the port the agent tries first is bound: the next docker run gets the next port and deploys", async () => {
    const { base, holder } = await bindPorts(Number(h.env.DELIVERY_AGENT_PORT_BASE) + 20, 2);
    await unbind(holder);
    const first = await bindPorts(base, 1);
    expect(first.base).toBe(base);
    let result;
    try {
      const run = await withPortBase(base, () =>
        underLoad(
          h.proxyPort,
          `/${SERVICE}/`,
          () => h.agent("deploy", SERVICE, images.v3, "v3.0.0"),
          (b) => b === "v1" || b === "v3",
        ),
      );
      result = run.result;
      report("deploy after a host-port conflict", run.load);
    } finally {
      await unbind(first.holder);
    }
    expect(result.output).toContain(`127.0.0.1:${base}: bind: address already in use`);
    expect(result.output).toContain(
      `port ${base} is taken by another process (attempt 1 of ${AGENT_START_ATTEMPTS})`,
    );
    expect(result.output).toContain("now serving v3.0.0");
    expect(result.status).toBe(0);
    expect(portOf(`${SERVICE}-B`)).toBe(base + 1);
    expect(await serving()).toBe("v3");
    h.setParameter(releaseParameter, images.v3);
  });

  it("a port something listens on is skipped before docker run; one a container holds too", async () => {
    // v3 serves from slot B on its port; the range starts there, and a listener holds the next.
    const serving3 = portOf(`${SERVICE}-B`);
    const listener = net.createServer((c) => c.destroy());
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(serving3 + 1, "127.0.0.1", () => resolve());
    });
    let result;
    try {
      result = await withPortBase(serving3, () => h.agent("deploy", SERVICE, images.v1, "v1.0.0"));
    } finally {
      await new Promise((r) => listener.close(r));
    }
    expect(result.output).not.toContain("address already in use");
    expect(result.status).toBe(0);
    expect(portOf(`${SERVICE}-A`)).toBe(serving3 + 2);
    expect(await serving()).toBe("v1");
    h.setParameter(releaseParameter, images.v1);
  });
});

describe("the serving container crashes", () => {
  it("Docker restarts it on the same port, so the proxy's route still holds: it serves again with no agent run", async () => {
    const port = portOf(`${SERVICE}-A`);
    const [inspected] = JSON.parse(h.docker("inspect", `${SERVICE}-A`));
    // Killed from outside Docker, as the kernel's OOM killer would (`docker kill` counts as a stop).
    process.kill(inspected.State.Pid, "SIGKILL");
    const deadline = Date.now() + 20_000;
    let restarts = 0;
    while (Date.now() < deadline) {
      const [now] = JSON.parse(h.docker("inspect", `${SERVICE}-A`));
      restarts = now.RestartCount;
      if (restarts > 0 && now.State.Running && (await serving()) === "v1") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(restarts).toBeGreaterThan(0);
    expect(portOf(`${SERVICE}-A`)).toBe(port);
    expect(await serving()).toBe("v1");
  });
});

describe("docker run meets a stale container with the slot's name", () => {
  it("a container left in the next slot (agent stopped before its switch) is replaced; 0 failed requests", async () => {
    // v1 serves from slot A; an interrupted deploy left a running container named for slot B.
    h.docker("run", "--detach", "--name", `${SERVICE}-B`, "--publish", "127.0.0.1::8080", images.v2);
    const { load, result } = await underLoad(
      h.proxyPort,
      `/${SERVICE}/`,
      () => h.agent("deploy", SERVICE, images.v4, "v4.0.0"),
      (b) => b === "v1" || b === "v4",
    );
    report("deploy over a stale container", load);
    expect(result.output).toContain("now serving v4.0.0");
    expect(result.status).toBe(0);
    expect(await serving()).toBe("v4");
    expect(
      h.docker("inspect", "--format", '{{index .Config.Labels "delivery.release"}}', `${SERVICE}-B`),
    ).toBe("v4.0.0");
  });
});

describe("an agent killed between its switch and its record", () => {
  it("the next deploy records the switch and never removes the serving container; 0 failed requests", async () => {
    // v4 serves from slot B. This agent's kamal-proxy kills the agent as soon as the switch to
    // slot A succeeded: as an SSM command timing out or a reboot would, before `current` is written.
    const wrapper = fs.mkdtempSync(path.join(h.tmp, "killing-proxy-"));
    fs.writeFileSync(
      path.join(wrapper, "kamal-proxy"),
      [
        "#!/usr/bin/env bash",
        `${KAMAL_PROXY} "$@"; status=$?`,
        'if [[ "$1" == deploy && $status -eq 0 ]]; then kill -KILL "$PPID"; fi',
        "exit $status",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const pathBefore = h.env.PATH;
    h.env.PATH = `${wrapper}:${pathBefore}`;
    let killed;
    try {
      killed = await h.agent("deploy", SERVICE, images.v2, "v2.0.0");
    } finally {
      h.env.PATH = pathBefore;
    }
    expect(killed.status).toBeNull();
    expect(killed.output).not.toContain("now serving");
    // The proxy switched to v2 in slot A; the agent recorded nothing and stopped nothing.
    expect(await serving()).toBe("v2");
    expect((await h.agent("status", SERVICE)).output).toContain("current=v4.0.0\n");
    expect(h.docker("ps", "--filter", "status=running", "--format", "{{.Names}}").split("\n").sort()).toEqual(
      [`${SERVICE}-A`, `${SERVICE}-B`],
    );

    const { load, result } = await underLoad(
      h.proxyPort,
      `/${SERVICE}/`,
      () => h.agent("deploy", SERVICE, images.v3, "v3.0.0"),
      (b) => b === "v2" || b === "v3",
    );
    report("deploy after an agent killed between switch and record", load);
    expect(result.output).toContain("the deploy of v2.0.0 switched but was not recorded");
    expect(result.output).toContain("now serving v3.0.0");
    expect(result.status).toBe(0);
    expect(await serving()).toBe("v3");
    expect((await h.agent("status", SERVICE)).output).toBe("current=v3.0.0\nprevious=v2.0.0\n");
    expect(h.docker("ps", "--all", "--format", "{{.Names}}")).toBe(`${SERVICE}-B`);
  });
});
