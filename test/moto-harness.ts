/**
 * moto, a local AWS API, on loopback for end-to-end tests, with the AWS CLI from the same
 * virtualenv (both installed by scripts/test-tools.sh, pinned). Nothing is skipped: if moto cannot
 * start, `start` fails with why.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { freePort } from "./server-harness";

/** The virtualenv scripts/test-tools.sh installs moto[server] and awscli into. */
export const MOTO_VENV = process.env.MOTO_VENV ?? "/usr/local/lib/moto-5.2.5";

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.end(() => resolve(true)));
    s.on("error", () => resolve(false));
  });

export class MotoServer {
  /** `http://127.0.0.1:<port>` once started. */
  endpoint = "";
  private process?: ChildProcess;

  async start(timeoutMs = 30_000): Promise<void> {
    const port = await freePort();
    this.endpoint = `http://127.0.0.1:${port}`;
    const moto = spawn(path.join(MOTO_VENV, "bin", "moto_server"), ["-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.process = moto;
    let stderr = "";
    let exited = "";
    moto.stderr!.on("data", (c) => (stderr += c));
    moto.on("error", (e) => (exited = `moto_server: ${e.message} (run scripts/test-tools.sh)`));
    moto.on("exit", (code) => (exited = `moto_server exited (${code}): ${stderr}`));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(exited);
      if (await listening(port)) return;
      if (Date.now() > deadline) throw new Error(`moto_server did not listen on ${this.endpoint}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  stop(): void {
    if (this.process?.pid && this.process.exitCode === null) this.process.kill("SIGTERM");
  }

  /** What the AWS CLI (and a script calling it) needs to reach moto: test credentials, region, endpoint. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      ...extra,
    };
  }

  /** Runs the AWS CLI against moto, JSON output; the result as it came (status, stdout, stderr). */
  aws(...args: string[]): SpawnSyncReturns<string> {
    return spawnSync(
      path.join(MOTO_VENV, "bin", "aws"),
      ["--endpoint-url", this.endpoint, "--output", "json", ...args],
      {
        encoding: "utf8",
        env: this.env(),
        // Some listings (moto's AMIs) are larger than spawnSync's default 1 MB.
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  }

  /** Runs the AWS CLI against moto and parses its JSON answer; a failed call throws with its stderr. */
  ok(...args: string[]): any {
    const r = this.aws(...args);
    if (r.status !== 0) throw new Error(`aws ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout || "{}");
  }
}
