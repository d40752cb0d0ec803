/**
 * The zero-downtime figure of the server runtime, on this machine's real Docker engine, registry
 * and kamal-proxy (loopback only): under constant load, a deploy, a failed deploy and a rollback,
 * each printed as `zero-downtime <what>: N requests, F failed (slowest X ms)`.
 *
 *   npx ts-node --transpile-only scripts/zero-downtime-bench.ts [--minimum 1000] [--concurrency 4]
 *
 * Needs root and scripts/test-tools.sh (docker.io, docker-registry, busybox-static, kamal-proxy).
 * Exit 0 when every operation failed no request and made at least --minimum requests, 1 otherwise.
 */
import { get, loadLine, ServerHarness, underLoad, type LoadResult } from "../test/server-harness";

const SERVICE = "cart-api";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<number> {
  const minimum = option("minimum", 1000);
  const concurrency = option("concurrency", 4);
  const h = new ServerHarness();
  const results: [string, LoadResult, boolean][] = [];
  try {
    await h.start();
    h.addSite({
      site: SERVICE,
      service: SERVICE,
      containerPort: 8080,
      healthCheckPath: "/healthz",
      pathPrefix: `/${SERVICE}`,
    });
    const v1 = h.buildImage(SERVICE, "v1.0.0", { index: "v1" });
    const v2 = h.buildImage(SERVICE, "v2.0.0", { index: "v2" });
    const broken = h.buildImage(SERVICE, "v3.0.0", { index: "v3", healthy: false });
    const first = await h.agent("deploy", SERVICE, v1, "v1.0.0");
    if (first.status !== 0) throw new Error(`first deploy failed:\n${first.output}`);

    const run = async (what: string, args: string[], accept: string[], expectOk: boolean) => {
      const { load, result } = await underLoad(
        h.proxyPort,
        `/${SERVICE}/`,
        () => h.agent(...args),
        (b) => accept.includes(b),
        { minimum, concurrency },
      );
      console.log(loadLine(what, load));
      results.push([what, load, (result.status === 0) === expectOk]);
    };
    await run("deploy", ["deploy", SERVICE, v2, "v2.0.0"], ["v1", "v2"], true);
    await run("failed deploy", ["deploy", SERVICE, broken, "v3.0.0"], ["v2"], false);
    await run("rollback", ["rollback", SERVICE], ["v1", "v2"], true);
    const final = (await get(h.proxyPort, `/${SERVICE}/`)).body.trim();
    if (final !== "v1")
      throw new Error(`after the rollback the proxy serves ${JSON.stringify(final)}, not v1`);
  } finally {
    await h.stop();
  }
  const bad = results.filter(
    ([, l, agentAsExpected]) => l.failed > 0 || l.requests < minimum || !agentAsExpected,
  );
  for (const [what] of bad) console.error(`zero-downtime ${what}: did not hold`);
  return bad.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`zero-downtime bench: ${(err as Error).message}`);
    process.exit(1);
  },
);
