/**
 * preview-server.sh (start, status, stop-if-idle of previews' own server) with the real AWS CLI
 * against moto's EC2 API (moto_server on loopback): the CLI arguments, `--query` expressions and
 * waiters the script uses are the ones EC2 answers. moto keeps no SSM managed-instance inventory,
 * so `ssm describe-instance-information` alone is answered beside it, as SSM answers: the
 * instance `Online` while EC2 runs it, with the script's own `--query` applied by JMESPath (jp.py).
 *
 * Needs moto[server] and awscli in /usr/local/lib/moto-<version> (`npm run test:setup`). Nothing is
 * skipped: if moto cannot start, the test fails.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { scriptPath } from "../components/pipeline/scripts";
import { MOTO_VENV, MotoServer } from "./moto-harness";

jest.setTimeout(120_000);

const VENV = path.join(MOTO_VENV, "bin");
const moto = new MotoServer();
let tmp = "";

const awsEnv = () =>
  moto.env({
    PATH: `${path.join(tmp, "bin")}:${process.env.PATH}`,
    HOME: tmp,
    REAL_AWS: path.join(VENV, "aws"),
    JP: path.join(VENV, "jp.py"),
  });

function aws(...args: string[]): string {
  const r = spawnSync(path.join(VENV, "aws"), args, { env: awsEnv(), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`aws ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

const stateOf = (id: string) =>
  aws(
    "ec2",
    "describe-instances",
    "--instance-ids",
    id,
    "--query",
    "Reservations[0].Instances[0].State.Name",
    "--output",
    "text",
  );

function server(action: string, ids: string, extra: Record<string, string> = {}) {
  const output = path.join(tmp, "github-output");
  fs.writeFileSync(output, "");
  const r = spawnSync("bash", [scriptPath("previewServer")], {
    env: {
      ...awsEnv(),
      PREVIEW_INSTANCE_IDS: ids,
      SERVER_ACTION: action,
      GITHUB_OUTPUT: output,
      POLL_SECONDS: "1",
      ...extra,
    },
    encoding: "utf8",
    timeout: 90_000,
  });
  const outputs = Object.fromEntries(
    fs
      .readFileSync(output, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("=", 2)),
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}`, outputs };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preview-server-"));
  await moto.start();
  // `aws` on the script's PATH: the real CLI against moto, except the SSM inventory moto lacks.
  fs.mkdirSync(path.join(tmp, "bin"));
  fs.writeFileSync(
    path.join(tmp, "bin", "aws"),
    [
      "#!/usr/bin/env bash",
      "set -euo pipefail",
      'if [[ "$1 $2" != "ssm describe-instance-information" ]]; then exec "$REAL_AWS" "$@"; fi',
      'ids=""; query=""',
      "shift 2",
      "while [[ $# -gt 0 ]]; do",
      '  case "$1" in',
      '    --filters) ids="${2#Key=InstanceIds,Values=}"; shift 2 ;;',
      '    --query) query="$2"; shift 2 ;;',
      "    *) shift ;;",
      "  esac",
      "done",
      'list=$("$REAL_AWS" ec2 describe-instances --instance-ids ${ids//,/ } --output json \\',
      "  --query 'Reservations[].Instances[].{InstanceId: InstanceId, PingStatus: State.Name}')",
      // SSM's ping status: Online while the instance runs, ConnectionLost otherwise.
      'response="{\\"InstanceInformationList\\": $(sed \'s/"running"/"Online"/; s/"stopped"/"ConnectionLost"/\' <<<"$list")}"',
      'python3 "$JP" "$query" <<<"$response"',
    ].join("\n"),
    { mode: 0o755 },
  );
});

afterAll(() => {
  moto.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("preview-server.sh against moto's EC2 API", () => {
  let id = "";
  beforeAll(() => {
    const image = aws(
      "ec2",
      "describe-images",
      "--owners",
      "amazon",
      "--query",
      "Images[0].ImageId",
      "--output",
      "text",
    );
    id = aws(
      "ec2",
      "run-instances",
      "--image-id",
      image,
      "--instance-type",
      "t4g.medium",
      "--count",
      "1",
      "--tag-specifications",
      "ResourceType=instance,Tags=[{Key=delivery:idle,Value=stopped}]",
      "--query",
      "Instances[0].InstanceId",
      "--output",
      "text",
    );
    aws("ec2", "stop-instances", "--instance-ids", id);
    expect(stateOf(id)).toBe("stopped");
  });

  it("reads a stopped server as stopped (remove and sweep then skip)", () => {
    const r = server("status", id);
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ state: "stopped" });
  });

  it("starts it and waits for EC2 running and the SSM agent online", () => {
    const r = server("start", id);
    expect(r.output).toContain(`starting ${id}`);
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ state: "running" });
    expect(stateOf(id)).toBe("running");
    expect(server("status", id).outputs).toEqual({ state: "running" });
    // Starting a running server again changes nothing.
    const again = server("start", id);
    expect(again.status).toBe(0);
    expect(again.output).not.toContain("starting");
  });

  it("keeps it running while previews are left or unknown, and stops it at zero", () => {
    expect(server("stop-if-idle", id, { PREVIEWS_LEFT: "1" }).outputs).toEqual({ state: "left-running" });
    expect(server("stop-if-idle", id, { PREVIEWS_LEFT: "" }).outputs).toEqual({ state: "left-running" });
    expect(stateOf(id)).toBe("running");
    const r = server("stop-if-idle", id, { PREVIEWS_LEFT: "0" });
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ state: "stopped" });
    expect(stateOf(id)).toBe("stopped");
  });

  it("fails on an instance EC2 does not know, starting nothing", () => {
    const r = server("start", "i-0123456789abcdef0");
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/InvalidInstanceID\.NotFound/);
    expect(r.outputs).toEqual({});
  });
});
