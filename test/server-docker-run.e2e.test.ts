/**
 * `docker run` failing for a host-port conflict, on the real Docker engine, registry and kamal-proxy
 * of {@link ServerHarness}: the agent publishes each release on `127.0.0.1::<port>`, so Docker
 * picks the port. How it picks (moby libnetwork, read for this test):
 * - portallocator.go `findPort`: from its own table of the ports *it* allocated (not the OS's),
 *   sequentially after the last port it handed out, in the kernel's ephemeral range
 *   (ip_local_port_range: 32768-60999 here);
 * - drivers/bridge port_mapping.go `allocatePort`: if binding that port fails (another process
 *   holds it), it tries the next, up to `maxAllocatePortAttempts` = 10, then `docker run` fails
 *   with "address already in use".
 * So the test makes the conflict real and deterministic: a throwaway container shows the last
 * port Docker handed out (Q), and the test listens on Q+1… itself before the agent runs.
 *
 * Also: a stale container holding the name of the slot the next release starts in (an agent
 * stopped between `docker run` and its switch) is replaced, with no failed request; and an agent
 * killed right after its switch, before it recorded it, leaves the serving container to the next
 * deploy, which records the switch instead of removing what serves.
 *
 * Needs root and scripts/test-tools.sh, like server-runtime.e2e.test.ts.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { get, KAMAL_PROXY, loadLine, ServerHarness, underLoad, type LoadResult } from "./server-harness";

jest.setTimeout(180_000);

const SERVICE = "cart-api";
const h = new ServerHarness();
let releaseParameter = "";
const images: Record<string, string> = {};

/** Docker's attempts per `docker run` (maxAllocatePortAttempts) and the agent's runs per release. */
const DOCKER_PORT_ATTEMPTS = 10;
const AGENT_START_ATTEMPTS = 3;

const serving = async () => (await get(h.proxyPort, `/${SERVICE}/`)).body.trim();

beforeAll(async () => {
  await h.start();
  releaseParameter = h.addSite({
    site: SERVICE,
    service: SERVICE,
    containerPort: 8080,
    healthCheckPath: "/healthz",
    pathPrefix: `/${SERVICE}`,
    keepReleases: 2,
  });
  for (const name of ["v1", "v2", "v3", "v4"])
    images[name] = h.buildImage(SERVICE, `${name}.0.0`, { index: name });
  const first = await h.agent("deploy", SERVICE, images.v1, "v1.0.0");
  expect(first.status).toBe(0);
  h.setParameter(releaseParameter, images.v1);
  expect(await serving()).toBe("v1");
});

afterAll(() => h.stop());

/** The last host port Docker handed out: a container started and removed now. */
function lastDockerPort(): number {
  const id = h.docker("run", "--detach", "--publish", "127.0.0.1::8080", images.v1);
  try {
    const published = h.docker("port", id, "8080/tcp").split("\n")[0];
    const port = Number(published.split(":").pop());
    expect(port).toBeGreaterThan(0);
    return port;
  } finally {
    h.docker("rm", "--force", id);
  }
}

/**
 * Listens on 127.0.0.1:<from>… (count ports). A port another process already holds stays held by
 * it, which conflicts the same way; the test says how many it holds itself.
 */
async function holdPorts(from: number, count: number): Promise<{ servers: net.Server[]; ownHeld: number }> {
  const servers: net.Server[] = [];
  for (let port = from; port < from + count; port++) {
    const srv = net.createServer((s) => s.destroy());
    const ok = await new Promise<boolean>((resolve) => {
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (ok) servers.push(srv);
  }
  return { servers, ownHeld: servers.length };
}

async function release(servers: net.Server[]) {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
}

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

describe("docker run fails: the host port Docker picks is taken", () => {
  it("every port Docker and the agent would try is taken: the deploy fails, v1 serves on, 0 failed requests", async () => {
    const q = lastDockerPort();
    // Docker wraps to the start of its range past the end: the ports it will try must not.
    const rangeEnd = Number(
      fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/)[1],
    );
    expect(q + DOCKER_PORT_ATTEMPTS * AGENT_START_ATTEMPTS).toBeLessThanOrEqual(rangeEnd);
    const held = await holdPorts(q + 1, DOCKER_PORT_ATTEMPTS * AGENT_START_ATTEMPTS);
    let result;
    try {
      expect(held.ownHeld).toBeGreaterThan(0);
      const run = await underLoad(
        h.proxyPort,
        `/${SERVICE}/`,
        () => h.agent("deploy", SERVICE, images.v2, "v2.0.0"),
        (b) => b === "v1",
      );
      result = run.result;
      report("failed deploy (host port taken)", run.load);
    } finally {
      await release(held.servers);
    }
    // Docker tried the held ports in order: the last run's last attempt was the last held port.
    expect(result.output).toContain(
      `127.0.0.1:${q + DOCKER_PORT_ATTEMPTS * AGENT_START_ATTEMPTS}: bind: address already in use`,
    );
    expect(result.output).toContain(`attempt ${AGENT_START_ATTEMPTS - 1} of ${AGENT_START_ATTEMPTS}`);
    expect(result.output).toContain("docker could not start");
    expect(result.status).not.toBe(0);
    // Nothing is left behind in the slot the release would have used.
    expect(h.docker("ps", "--all", "--format", "{{.Names}}").split("\n")).toEqual([`${SERVICE}-A`]);
    expect(h.docker("ps", "--filter", "status=running", "--format", "{{.Names}}")).toBe(`${SERVICE}-A`);
    await stillServing("v1", images.v1);
    // The status the agent reports did not move either.
    expect((await h.agent("status", SERVICE)).output).toContain("current=v1.0.0\n");
  });

  it("the ports of one docker run are taken: the agent's next run gets a free one and deploys", async () => {
    const q = lastDockerPort();
    const held = await holdPorts(q + 1, DOCKER_PORT_ATTEMPTS);
    let result;
    try {
      const run = await underLoad(
        h.proxyPort,
        `/${SERVICE}/`,
        () => h.agent("deploy", SERVICE, images.v3, "v3.0.0"),
        (b) => b === "v1" || b === "v3",
      );
      result = run.result;
      report("deploy after a host-port conflict", run.load);
    } finally {
      await release(held.servers);
    }
    expect(result.output).toContain(`127.0.0.1:${q + DOCKER_PORT_ATTEMPTS}: bind: address already in use`);
    expect(result.output).toContain(`attempt 1 of ${AGENT_START_ATTEMPTS}`);
    expect(result.output).toContain("now serving v3.0.0");
    expect(result.status).toBe(0);
    const published = h.docker("port", `${SERVICE}-B`, "8080/tcp").split("\n")[0];
    expect(Number(published.split(":").pop())).toBeGreaterThan(q + DOCKER_PORT_ATTEMPTS);
    expect(await serving()).toBe("v3");
    h.setParameter(releaseParameter, images.v3);
  });
});

describe("docker run meets a stale container with the slot's name", () => {
  it("a container left in the next slot (agent stopped before its switch) is replaced; 0 failed requests", async () => {
    // v3 serves from slot B; an interrupted deploy left a running container named for slot A.
    h.docker("run", "--detach", "--name", `${SERVICE}-A`, "--publish", "127.0.0.1::8080", images.v2);
    const { load, result } = await underLoad(
      h.proxyPort,
      `/${SERVICE}/`,
      () => h.agent("deploy", SERVICE, images.v4, "v4.0.0"),
      (b) => b === "v3" || b === "v4",
    );
    report("deploy over a stale container", load);
    expect(result.output).toContain("now serving v4.0.0");
    expect(result.status).toBe(0);
    expect(await serving()).toBe("v4");
    expect(
      h.docker("inspect", "--format", '{{index .Config.Labels "delivery.release"}}', `${SERVICE}-A`),
    ).toBe("v4.0.0");
  });
});

describe("an agent killed between its switch and its record", () => {
  it("the next deploy records the switch and never removes the serving container; 0 failed requests", async () => {
    // v4 serves from slot A. This agent's kamal-proxy kills the agent as soon as the switch to
    // slot B succeeded: as an SSM command timing out or a reboot would, before `current` is written.
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
    // The proxy switched to v2 in slot B; the agent recorded nothing and stopped nothing.
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
    expect(h.docker("ps", "--all", "--format", "{{.Names}}")).toBe(`${SERVICE}-A`);
  });
});
