/**
 * The server runtime end to end, on a real Docker engine, registry and kamal-proxy (loopback):
 * zero failed requests under constant load through a deploy, a failed deploy and a rollback; then
 * every fault the agent must survive, each starting from a serving release and ending with it
 * still serving and the release parameter unchanged; configuration reaching the container; a
 * worker; pull avoidance and pruning; the bootstrap placeholder.
 *
 * Slow (a Docker engine per file): named e2e-* so it can run as its own suite. Needs root and
 * scripts/test-tools.sh. Nothing is skipped: if a part cannot start, the test fails with the reason.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { bootDocument, deployDocument, documentScript } from "../components/aws/agent-documents";
import { BOOTSTRAP_CONTEXT, bootstrapBuildArgs } from "../components/aws/bootstrap";
import type { AgentSiteSettings } from "../components/aws/deploy-agent";
import { NOTHING_RELEASED } from "../components/aws/names";
import { get, loadLine, ServerHarness, underLoad, type LoadResult } from "./server-harness";

jest.setTimeout(180_000);

const SERVICE = "cart-api";
const WORKER = "payments-worker";
const h = new ServerHarness();
let releaseParameter = "";
const images: Record<string, string> = {};

const serving = async () => (await get(h.proxyPort, `/${SERVICE}/`)).body.trim();

beforeAll(async () => {
  await h.start({ dataRootMiB: 160 });
  releaseParameter = h.addSite({
    site: SERVICE,
    service: SERVICE,
    containerPort: 8080,
    healthCheckPath: "/healthz",
    pathPrefix: `/${SERVICE}`,
    configPath: `/delivery/checkout/staging/${SERVICE}/config/`,
    keepReleases: 2,
  });
  for (const [name, healthy] of [
    ["v1", true],
    ["v2", true],
    ["v3", false],
  ] as const) {
    images[name] = h.buildImage(SERVICE, `${name}.0.0`, { index: name, healthy });
  }
});

afterAll(() => h.stop());

/** What every fault test checks at its end. */
async function stillServing(body: string, parameterBefore: string | undefined) {
  expect(await serving()).toBe(body);
  expect(h.parameter(releaseParameter)).toBe(parameterBefore);
  expect(h.awsCalls().filter((c) => c.includes("put-parameter"))).toEqual([]);
}

function report(what: string, load: LoadResult) {
  // The figure the issue asks for, printed by the test run.
  console.log(loadLine(what, load));
  expect(load.failures).toEqual([]);
  expect(load.failed).toBe(0);
  expect(load.requests).toBeGreaterThanOrEqual(1000);
}

describe("zero downtime under constant load", () => {
  it("deploys the first release", async () => {
    const r = await h.agent("deploy", SERVICE, images.v1, "v1.0.0");
    expect(r.output).toContain("now serving v1.0.0");
    expect(r.status).toBe(0);
    expect(await serving()).toBe("v1");
  });

  it("a deploy fails no request", async () => {
    const { load, result } = await underLoad(
      h.proxyPort,
      `/${SERVICE}/`,
      () => h.agent("deploy", SERVICE, images.v2, "v2.0.0"),
      (b) => b === "v1" || b === "v2",
    );
    expect(result.status).toBe(0);
    expect(await serving()).toBe("v2");
    report("deploy", load);
  });

  it("a failed deploy (health check never passes) fails no request and exits non-zero", async () => {
    const { load, result } = await underLoad(
      h.proxyPort,
      `/${SERVICE}/`,
      () => h.agent("deploy", SERVICE, images.v3, "v3.0.0"),
      (b) => b === "v2",
    );
    expect(result.output).toContain("did not pass its health check");
    expect(result.status).not.toBe(0);
    expect(await serving()).toBe("v2");
    report("failed deploy", load);
  });

  it("a rollback fails no request", async () => {
    const { load, result } = await underLoad(
      h.proxyPort,
      `/${SERVICE}/`,
      () => h.agent("rollback", SERVICE),
      (b) => b === "v1" || b === "v2",
    );
    expect(result.output).toContain("rolled back cart-api to v1.0.0");
    expect(result.status).toBe(0);
    expect(await serving()).toBe("v1");
    report("rollback", load);
  });
});

describe("faults leave the serving release serving and the release parameter unchanged", () => {
  beforeAll(async () => {
    // CI wrote the parameter after the last successful deploy (the rollback workflow after a rollback).
    h.setParameter(releaseParameter, images.v1);
    expect(await serving()).toBe("v1");
  });

  it("docker run fails (bad image config: the command does not exist)", async () => {
    const bad = h.buildImage(SERVICE, "v4.0.0", { index: "v4", cmd: ["/bin/no-such-program"] });
    const r = await h.agent("deploy", SERVICE, bad, "v4.0.0");
    expect(r.output).toContain("docker could not start");
    expect(r.status).not.toBe(0);
    await stillServing("v1", images.v1);
  });

  it("the health check fails", async () => {
    const r = await h.agent("deploy", SERVICE, images.v3, "v3.0.0");
    expect(r.output).toContain("did not pass its health check");
    expect(r.status).not.toBe(0);
    expect(h.docker("ps", "--all", "--format", "{{.Names}}").split("\n")).toEqual([`${SERVICE}-A`]);
    await stillServing("v1", images.v1);
  });

  it("the registry is unreachable; a digest already here deploys without it", async () => {
    const v5 = h.buildImage(SERVICE, "v5.0.0", { index: "v5" });
    await h.stopRegistry();
    try {
      const r = await h.agent("deploy", SERVICE, v5, "v5.0.0");
      expect(r.output).toContain(`cannot pull ${v5}`);
      expect(r.status).not.toBe(0);
      await stillServing("v1", images.v1);
      // v2 ran before and was kept for rollback: no pull, so no registry needed.
      const again = await h.agent("deploy", SERVICE, images.v2, "v2.0.0");
      expect(again.output).toContain("is already here; not pulling");
      expect(again.status).toBe(0);
      expect(await serving()).toBe("v2");
    } finally {
      await h.startRegistry();
    }
    h.setParameter(releaseParameter, images.v2);
  });

  it("the image's digest was deleted from the registry", async () => {
    const v6 = h.buildImage(SERVICE, "v6.0.0", { index: "v6" });
    expect(await h.deleteManifest(v6)).toBe(202);
    const r = await h.agent("deploy", SERVICE, v6, "v6.0.0");
    expect(r.output).toContain(`cannot pull ${v6}`);
    expect(r.status).not.toBe(0);
    await stillServing("v2", images.v2);
  });

  it("the disk is full: the pull fails for space", async () => {
    const v7 = h.buildImage(SERVICE, "v7.0.0", { index: "v7" });
    const filler = path.join(h.dataRoot, "filler");
    const fd = fs.openSync(filler, "w");
    const block = Buffer.alloc(1024 * 1024);
    try {
      for (;;) fs.writeSync(fd, block);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe("ENOSPC");
    } finally {
      fs.closeSync(fd);
    }
    try {
      const r = await h.agent("deploy", SERVICE, v7, "v7.0.0");
      expect(r.output).toMatch(/no space left on device/i);
      expect(r.status).not.toBe(0);
      await stillServing("v2", images.v2);
    } finally {
      fs.rmSync(filler);
    }
  });

  it("the release parameter is missing: boot refuses and changes nothing", async () => {
    h.setParameter(releaseParameter, undefined);
    const r = await h.agent("boot", SERVICE);
    expect(r.output).toContain(`cannot read ${releaseParameter}`);
    expect(r.status).not.toBe(0);
    await stillServing("v2", undefined);
    h.setParameter(releaseParameter, images.v2);
  });

  it("an image outside the team's registry is refused, by boot and by deploy", async () => {
    const foreign = `registry.example.com/checkout/${SERVICE}@${images.v1.split("@")[1]}`;
    h.setParameter(releaseParameter, foreign);
    const boot = await h.agent("boot", SERVICE);
    expect(boot.output).toContain(`refused '${foreign}': not an image of ${h.repository(SERVICE)}`);
    expect(boot.status).not.toBe(0);
    await stillServing("v2", foreign);
    h.setParameter(releaseParameter, images.v2);

    const deploy = await h.agent("deploy", SERVICE, foreign, "v1.0.0");
    expect(deploy.status).not.toBe(0);
    const byTag = await h.agent("deploy", SERVICE, `${h.repository(SERVICE)}:v1.0.0`, "v1.0.0");
    expect(byTag.output).toContain("by digest");
    expect(byTag.status).not.toBe(0);
    const badRelease = await h.agent("deploy", SERVICE, images.v1, "v1;reboot");
    expect(badRelease.output).toContain("refused release name");
    await stillServing("v2", images.v2);
  });
});

describe("the release the parameter names, configuration, pruning, workers", () => {
  it("boot runs what the release parameter names, and does nothing when it already runs", async () => {
    h.setParameter(releaseParameter, images.v1);
    const r = await h.agent("boot", SERVICE);
    expect(r.status).toBe(0);
    expect(await serving()).toBe("v1");
    const again = await h.agent("boot", SERVICE);
    expect(again.output).toContain("is already serving");
    expect(again.status).toBe(0);
  });

  it("hands configuration and secrets to the container from a root-only file, never in its output", async () => {
    const secret = "s3cr3t-value-never-logged";
    h.setParameter(`/delivery/checkout/staging/${SERVICE}/config/GREETING`, "hello world");
    h.setParameter(`/delivery/checkout/staging/${SERVICE}/config/DATABASE_PASSWORD`, secret);
    const r = await h.agent("deploy", SERVICE, images.v2, "v2.0.0");
    expect(r.status).toBe(0);
    expect(r.output).not.toContain(secret);
    const env = h.docker("exec", `${SERVICE}-B`, "/bin/busybox", "env").split("\n");
    expect(env).toEqual(
      expect.arrayContaining([
        "GREETING=hello world",
        `DATABASE_PASSWORD=${secret}`,
        "SENTRY_RELEASE=v2.0.0",
        "SENTRY_ENVIRONMENT=staging",
      ]),
    );
    const file = path.join(h.env.DELIVERY_AGENT_STATE_DIR as string, SERVICE, "env-B");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // The container's log options: non-blocking, so a slow log destination cannot stall it.
    expect(
      h.docker("inspect", "--format", "{{json .HostConfig.LogConfig.Config}}", `${SERVICE}-B`),
    ).toContain('"mode":"non-blocking"');
  });

  it("keeps the current and the previous N releases' images, prunes the rest", async () => {
    const v8 = h.buildImage(SERVICE, "v8.0.0", { index: "v8" });
    const v9 = h.buildImage(SERVICE, "v9.0.0", { index: "v9" });
    for (const [image, release] of [
      [v8, "v8.0.0"],
      [v9, "v9.0.0"],
    ]) {
      const r = await h.agent("deploy", SERVICE, image, release);
      expect(r.status).toBe(0);
    }
    // History: v1, v2(boot/deploy), v8, v9 now; KEEP_RELEASES=2 keeps v9 (current), v8 and v2.
    expect(await serving()).toBe("v9");
    expect(h.hasImage(v9)).toBe(true);
    expect(h.hasImage(v8)).toBe(true);
    expect(h.hasImage(images.v2)).toBe(true);
    expect(h.hasImage(images.v1)).toBe(false);
    expect((await h.agent("status", SERVICE)).output).toContain("current=v9.0.0\nprevious=v8.0.0");
  });

  it("a worker has no route: its new container must stay up before the old one stops", async () => {
    h.addSite({ site: WORKER, service: WORKER });
    const w1 = h.buildImage(WORKER, "v1.0.0", { index: "w1" });
    const crashing = h.buildImage(WORKER, "v2.0.0", { index: "w2", cmd: ["/bin/busybox", "false"] });
    expect((await h.agent("deploy", WORKER, w1, "v1.0.0")).status).toBe(0);
    const r = await h.agent("deploy", WORKER, crashing, "v2.0.0");
    expect(r.output).toContain("exited within");
    expect(r.status).not.toBe(0);
    expect(h.docker("ps", "--filter", `label=delivery.site=${WORKER}`, "--format", "{{.Names}}")).toBe(
      `${WORKER}-A`,
    );
    expect(h.docker("port", `${WORKER}-A`)).toBe("");
    expect((await h.agent("remove", WORKER)).status).toBe(0);
    expect(h.docker("ps", "--all", "--filter", `label=delivery.site=${WORKER}`, "--quiet")).toBe("");
  });

  it("routes by host: plain HTTP without TLS, a redirect to HTTPS with it (ACME is not reachable here)", async () => {
    const image = h.buildImage("web", "v1.0.0", { index: "web" });
    h.addSite({
      site: "web",
      service: "web",
      containerPort: 8080,
      healthCheckPath: "/healthz",
      host: "web.test",
    });
    h.addSite({
      site: "shop",
      service: "shop",
      containerPort: 8080,
      healthCheckPath: "/healthz",
      host: "shop.test",
      tls: true,
    });
    const shopImage = h.buildImage("shop", "v1.0.0", { index: "shop" });
    expect((await h.agent("deploy", "web", image, "v1.0.0")).status).toBe(0);
    const tls = await h.agent("deploy", "shop", shopImage, "v1.0.0");
    expect(tls.status).toBe(0);
    expect((await get(h.proxyPort, "/", undefined, 5000, { host: "web.test" })).body.trim()).toBe("web");
    const redirect = await get(h.proxyPort, "/", undefined, 5000, { host: "shop.test" });
    expect(redirect.status).toBe(301);
    expect(redirect.location).toBe("https://shop.test/");
    // The path-routed service is untouched by the host-routed ones.
    expect((await get(h.proxyPort, `/${SERVICE}/`)).status).toBe(200);
    for (const site of ["web", "shop"]) expect((await h.agent("remove", site)).status).toBe(0);
    expect((await get(h.proxyPort, "/", undefined, 5000, { host: "web.test" })).status).toBe(404);
  });

  it("serves the bootstrap placeholder's health path and page", async () => {
    // The real base is busybox from ECR Public; offline, a scratch image with busybox-static stands in.
    const base = fs.mkdtempSync(path.join(h.tmp, "base-"));
    fs.mkdirSync(path.join(base, "bin"));
    fs.copyFileSync("/bin/busybox", path.join(base, "bin", "busybox"));
    fs.writeFileSync(path.join(base, "Dockerfile"), "FROM scratch\nCOPY bin /bin\n");
    h.docker("build", "--quiet", "--tag", "local/busybox-base", base);
    const args = Object.entries(
      bootstrapBuildArgs({ name: SERVICE, port: 8080, healthCheckPath: "/healthz" }),
    ).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
    const placeholder = h.pushImage(SERVICE, "bootstrap-0123abcd", BOOTSTRAP_CONTEXT, [
      ...args,
      "--build-arg",
      "BASE_IMAGE=local/busybox-base",
    ]);
    h.setParameter(releaseParameter, placeholder);
    const r = await h.agent("boot", SERVICE);
    expect(r.status).toBe(0);
    expect((await get(h.proxyPort, `/${SERVICE}/healthz`)).status).toBe(200);
    expect(await serving()).toContain("cart-api is not released yet");
  });

  it("the generated SSM documents work: the deploy document deploys, the boot document boots", () => {
    // The scripts SSM would run, with the server's paths pointed into the test's directory and
    // stub systemctl and cloud-init; run by Debian's sh (dash), stricter than Amazon Linux's sh.
    const bin = path.join(h.tmp, "document-bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "systemctl"), '#!/bin/sh\necho "systemctl $*" >>"$SYSTEMCTL_LOG"\n', {
      mode: 0o755,
    });
    // cloud-init ran long ago on a real server; here it never runs, and `status --wait` would wait.
    fs.writeFileSync(path.join(bin, "cloud-init"), "#!/bin/sh\necho 'status: done'\n", { mode: 0o755 });
    const units = path.join(h.tmp, "units");
    fs.mkdirSync(units, { recursive: true });
    const site: AgentSiteSettings = {
      site: SERVICE,
      environment: "staging",
      releaseParameter,
      registry: h.repository(SERVICE),
      containerPort: 8080,
      healthCheckPath: "/healthz",
      pathPrefix: `/${SERVICE}`,
    };
    const local = (script: string) =>
      script
        .replace(/^AGENT_PATH='.*'$/m, `AGENT_PATH='${path.join(h.tmp, "deploy-agent")}'`)
        .replace(/^CONFIG_DIR='.*'$/m, `CONFIG_DIR='${h.configDir}'`)
        .replace(/^UNIT_DIR='.*'$/m, `UNIT_DIR='${units}'`);
    const run = (script: string) => {
      const r = spawnSync("sh", ["-c", script], {
        env: { ...h.env, PATH: `${bin}:${h.env.PATH}`, SYSTEMCTL_LOG: path.join(h.tmp, "systemctl.log") },
        encoding: "utf8",
        timeout: 120_000,
      });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    };
    const deploy = local(documentScript(deployDocument(site)))
      .replace("{{ image }}", images.v2)
      .replace("{{ release }}", "v2.0.0");
    const deployed = run(deploy);
    expect(deployed.output).toContain("deployed cart-api v2.0.0");
    expect(deployed.status).toBe(0);
    expect(fs.existsSync(path.join(units, "delivery-agent@.service"))).toBe(true);
    expect(fs.statSync(path.join(h.configDir, `${SERVICE}.env`)).mode & 0o777).toBe(0o600);

    h.setParameter(releaseParameter, images.v2);
    const booted = run(local(documentScript(bootDocument("staging", [site]))));
    expect(booted.output).toContain("every service runs its released image");
    expect(booted.status).toBe(0);
    expect(fs.readFileSync(path.join(h.tmp, "systemctl.log"), "utf8")).toContain(
      `enable delivery-agent@${SERVICE}.service`,
    );
  });

  it("does nothing while nothing is released", async () => {
    h.setParameter(releaseParameter, NOTHING_RELEASED);
    const r = await h.agent("boot", SERVICE);
    expect(r.output).toContain("nothing released yet");
    expect(r.status).toBe(0);
  });
});
