/**
 * The preview workflow's scripts, run in bash against stubs of the AWS CLI, gh and curl that
 * record their calls: the deploy outcome and URL read from the agent's output, the limit message
 * carried through, the PR comment found by its marker and edited (never a second one), one Slack
 * message when the preview first comes up and one when it is removed, Slack-escaped.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PREVIEW_LIMIT_EXIT_STATUS } from "../components/release";
import { scriptPath } from "../components/pipeline/scripts";

/** The preview workflow's entry scripts (components/pipeline/scripts/preview-*.sh). */
const PREVIEW_SCRIPTS = {
  image: "previewImage",
  command: "previewCommand",
  report: "previewReport",
  fail: "previewFail",
  server: "previewServer",
} as const;

let tmp = "";
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preview-scripts-"));
  const bin = path.join(tmp, "bin");
  fs.mkdirSync(bin);
  const stub = (name: string, body: string) =>
    fs.writeFileSync(
      path.join(bin, name),
      `#!/usr/bin/env bash\nset -euo pipefail\nprintf '%s\\n' "${name} $*" >>"$STUB_LOG"\n${body}\n`,
      {
        mode: 0o755,
      },
    );
  // aws: send-command answers an id; get-command-invocation answers $STUB_INVOCATION.
  stub(
    "aws",
    [
      'case "$1 $2" in',
      '  "ssm send-command") echo cmd-1 ;;',
      '  "ssm get-command-invocation") cat "$STUB_INVOCATION" ;;',
      '  *) echo "unexpected aws $*" >&2; exit 2 ;;',
      "esac",
    ].join("\n"),
  );
  // gh api: PATCH/POST record their body (the -f body=… argument).
  stub(
    "gh",
    [
      'if [[ "$*" == *"--method"* ]]; then for a in "$@"; do [[ "$a" == body=* ]] && printf "%s" "${a#body=}" >"$STUB_DIR/comment-body"; done; exit 0; fi',
      // The listing applies the script's own --jq filter to $STUB_COMMENTS, as gh would.
      'filter=""; while [[ $# -gt 0 ]]; do [[ "$1" == --jq ]] && filter="$2"; shift; done',
      'jq -r "$filter" "$STUB_COMMENTS"',
    ].join("\n"),
  );
  stub("curl", 'cat >"$STUB_DIR/slack-$(date +%s%N)"');
  fs.writeFileSync(path.join(tmp, "log"), "");
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(script: keyof typeof PREVIEW_SCRIPTS, env: Record<string, string>) {
  const output = path.join(tmp, "github-output");
  fs.writeFileSync(output, "");
  const r = spawnSync("bash", [scriptPath(PREVIEW_SCRIPTS[script])], {
    env: {
      PATH: `${path.join(tmp, "bin")}:${process.env.PATH}`,
      STUB_LOG: path.join(tmp, "log"),
      STUB_DIR: tmp,
      GITHUB_OUTPUT: output,
      ...env,
    },
    encoding: "utf8",
  });
  const outputs = Object.fromEntries(
    fs
      .readFileSync(output, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return {
    status: r.status,
    output: `${r.stdout}${r.stderr}`,
    outputs,
    calls: fs.readFileSync(path.join(tmp, "log"), "utf8"),
  };
}

function invocation(status: string, code: number, stdout: string): string {
  const file = path.join(tmp, "invocation.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      Status: status,
      ResponseCode: code,
      StandardOutputContent: stdout,
      StandardErrorContent: "",
    }),
  );
  return file;
}

const commandEnv = {
  PREVIEW_DOCUMENT: "checkout-integration-cart-api-preview",
  PREVIEW_INSTANCE_IDS: "i-0abc",
  PR_NUMBER: "7",
  LIMIT_EXIT_STATUS: String(PREVIEW_LIMIT_EXIT_STATUS),
  POLL_SECONDS: "0",
};

describe("preview-command.sh", () => {
  it("sends the document with its parameters and reads the address the agent printed", () => {
    const r = run("command", {
      ...commandEnv,
      ACTION: "deploy",
      IMAGE: "1.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api@sha256:abc",
      STUB_INVOCATION: invocation("Success", 0, "url=http://203.0.113.10/previews/cart-api/pr-7/\n"),
    });
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({
      outcome: "deployed",
      url: "http://203.0.113.10/previews/cart-api/pr-7/",
      message: "",
      previews_left: "",
    });
    expect(r.calls).toContain(
      'aws ssm send-command --document-name checkout-integration-cart-api-preview --instance-ids i-0abc --parameters {"action":["deploy"],"pr":["7"],"image":["1.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api@sha256:abc"]}',
    );
  });

  it("reports the limit with the agent's message", () => {
    const message =
      "preview limit reached: 5 previews of cart-api are running (pr-1, pr-2, pr-3, pr-4, pr-5); close one or raise team.previews.maxPerService";
    const r = run("command", {
      ...commandEnv,
      ACTION: "deploy",
      IMAGE: "x@sha256:abc",
      STUB_INVOCATION: invocation("Failed", PREVIEW_LIMIT_EXIT_STATUS, `${message}\n`),
    });
    expect(r.outputs).toEqual({ outcome: "limit", url: "", message, previews_left: "" });
  });

  it("reads how many previews a remove or sweep left on the server", () => {
    const removed = run("command", {
      ...commandEnv,
      ACTION: "remove",
      STUB_INVOCATION: invocation("Success", 0, "removed=pr-7\npreviews_left=0\n"),
    });
    expect(removed.outputs).toMatchObject({ outcome: "removed", previews_left: "0" });
    const swept = run("command", {
      ...commandEnv,
      ACTION: "sweep",
      PR_NUMBER: "",
      STUB_INVOCATION: invocation("Success", 0, "removed=pr-3\npreviews_left=2\n"),
    });
    expect(swept.outputs).toMatchObject({ outcome: "swept", previews_left: "2" });
    // An agent that did not count (an older one) is never taken for an empty server.
    const silent = run("command", {
      ...commandEnv,
      ACTION: "remove",
      STUB_INVOCATION: invocation("Success", 0, "removed=pr-7\n"),
    });
    expect(silent.outputs).toMatchObject({ outcome: "removed", previews_left: "" });
  });

  it("reports any other failure as failed", () => {
    const r = run("command", {
      ...commandEnv,
      ACTION: "remove",
      STUB_INVOCATION: invocation("Failed", 1, ""),
    });
    expect(r.outputs.outcome).toBe("failed");
  });
});

describe("preview-report.sh", () => {
  const reportEnv = (outcome: string, comments: unknown[]) => {
    const file = path.join(tmp, "comments.json");
    fs.writeFileSync(file, JSON.stringify(comments));
    return {
      GH_TOKEN: "t",
      GITHUB_REPOSITORY: "acme-shop/cart-api",
      PR_NUMBER: "7",
      PR_TITLE: "Cart <b>totals</b> & taxes",
      PR_URL: "https://github.com/acme-shop/cart-api/pull/7",
      SERVICE: "cart-api",
      OUTCOME: outcome,
      URL: "http://203.0.113.10/previews/cart-api/pr-7/",
      MESSAGE: "",
      COMMIT_SHA: "0123456789abcdef",
      RUN_URL: "https://github.com/acme-shop/cart-api/actions/runs/1",
      SLACK_WEBHOOK_URL: "https://hooks.slack.invalid/x",
      STUB_COMMENTS: file,
    };
  };
  const slackMessages = () =>
    fs
      .readdirSync(tmp)
      .filter((f) => f.startsWith("slack-"))
      .map((f) => JSON.parse(fs.readFileSync(path.join(tmp, f), "utf8")) as { text: string });

  it("comments once and tells Slack once, escaped, on the first deploy", () => {
    const r = run("report", reportEnv("deployed", [{ id: 1, body: "unrelated" }]));
    expect(r.status).toBe(0);
    expect(r.calls).toContain("gh api --method POST repos/acme-shop/cart-api/issues/7/comments");
    const body = fs.readFileSync(path.join(tmp, "comment-body"), "utf8");
    expect(body.startsWith("<!-- delivery-workflow:preview:cart-api -->\n")).toBe(true);
    expect(body).toContain("http://203.0.113.10/previews/cart-api/pr-7/");
    expect(slackMessages()).toEqual([
      {
        text: "Preview of cart-api for <https://github.com/acme-shop/cart-api/pull/7|#7 Cart &lt;b&gt;totals&lt;/b&gt; &amp; taxes>: <http://203.0.113.10/previews/cart-api/pr-7/|http://203.0.113.10/previews/cart-api/pr-7/>",
      },
    ]);
  });

  it("edits the same comment on the next push and stays quiet in Slack", () => {
    const r = run(
      "report",
      reportEnv("deployed", [{ id: 42, body: "<!-- delivery-workflow:preview:cart-api -->\nold" }]),
    );
    expect(r.calls).toContain("gh api --method PATCH repos/acme-shop/cart-api/issues/comments/42");
    expect(r.calls).not.toContain("--method POST");
    expect(slackMessages()).toEqual([]);
  });

  it("says so in the comment and in Slack when the preview is removed", () => {
    const r = run(
      "report",
      reportEnv("removed", [{ id: 42, body: "<!-- delivery-workflow:preview:cart-api -->\nold" }]),
    );
    expect(r.calls).toContain("--method PATCH");
    expect(fs.readFileSync(path.join(tmp, "comment-body"), "utf8")).toContain("removed");
    expect(slackMessages().map((m) => m.text)).toEqual([
      "Preview of cart-api for <https://github.com/acme-shop/cart-api/pull/7|#7 Cart &lt;b&gt;totals&lt;/b&gt; &amp; taxes> removed (pull request closed)",
    ]);
  });
});

describe("preview-server.sh (previews' own server, stopped while idle)", () => {
  /**
   * An `aws` stub keeping one instance's state in $STUB_DIR/state, as EC2 moves it: start makes
   * a stopped instance running, stop makes a running one stopped, `wait` needs the state it waits
   * for (or fails as the CLI waiter does after its attempts); SSM reports the agent Online only
   * while the instance runs and $STUB_DIR/offline does not exist.
   */
  const awsStub = (state: string) => {
    fs.writeFileSync(path.join(tmp, "state"), state);
    fs.writeFileSync(
      path.join(tmp, "bin", "aws"),
      [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        'printf \'%s\\n\' "aws $*" >>"$STUB_LOG"',
        'state="$(cat "$STUB_DIR/state")"',
        'case "$1 $2" in',
        '  "ec2 describe-instances") echo "$state" ;;',
        '  "ec2 start-instances") [[ "$state" == stopped ]] || { echo "IncorrectInstanceState: $state" >&2; exit 254; }; echo running >"$STUB_DIR/state" ;;',
        '  "ec2 stop-instances") echo stopped >"$STUB_DIR/state" ;;',
        '  "ec2 wait")',
        '    case "$3" in',
        '      instance-running) [[ "$state" == running ]] || exit 255 ;;',
        '      instance-stopped) [[ "$state" == stopping ]] && echo stopped >"$STUB_DIR/state"; [[ "$(cat "$STUB_DIR/state")" == stopped ]] || exit 255 ;;',
        "    esac ;;",
        '  "ssm describe-instance-information") if [[ "$state" == running && ! -e "$STUB_DIR/offline" ]]; then echo 1; else echo 0; fi ;;',
        '  *) echo "unexpected aws $*" >&2; exit 2 ;;',
        "esac",
      ].join("\n"),
      { mode: 0o755 },
    );
  };
  const serverEnv = { PREVIEW_INSTANCE_IDS: "i-0bbb", POLL_SECONDS: "0" };
  const state = () => fs.readFileSync(path.join(tmp, "state"), "utf8").trim();

  it("starts a stopped server and waits until EC2 runs it and its SSM agent is online", () => {
    awsStub("stopped");
    const r = run("server", { ...serverEnv, SERVER_ACTION: "start" });
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ state: "running" });
    expect(state()).toBe("running");
    const calls = r.calls.split("\n").filter(Boolean);
    expect(calls).toEqual([
      "aws ec2 describe-instances --instance-ids i-0bbb --query Reservations[].Instances[].State.Name --output text",
      "aws ec2 start-instances --instance-ids i-0bbb",
      "aws ec2 wait instance-running --instance-ids i-0bbb",
      "aws ssm describe-instance-information --filters Key=InstanceIds,Values=i-0bbb --query length(InstanceInformationList[?PingStatus=='Online']) --output text",
    ]);
  });

  it("leaves a running server as it is, and lets a stopping one stop before starting it", () => {
    awsStub("running");
    expect(run("server", { ...serverEnv, SERVER_ACTION: "start" }).calls).not.toContain("start-instances");
    fs.writeFileSync(path.join(tmp, "log"), "");
    awsStub("stopping");
    const r = run("server", { ...serverEnv, SERVER_ACTION: "start" });
    expect(r.status).toBe(0);
    expect(r.calls.indexOf("wait instance-stopped")).toBeLessThan(r.calls.indexOf("start-instances"));
    expect(state()).toBe("running");
  });

  it("fails, saying why, when the SSM agent does not come online in time", () => {
    awsStub("stopped");
    fs.writeFileSync(path.join(tmp, "offline"), "");
    const r = run("server", { ...serverEnv, SERVER_ACTION: "start", ONLINE_TIMEOUT_SECONDS: "0" });
    expect(r.status).toBe(1);
    expect(r.output).toContain("its SSM agent is not online");
  });

  it("reports whether the server runs (a stopped one holds no preview)", () => {
    awsStub("stopped");
    expect(run("server", { ...serverEnv, SERVER_ACTION: "status" }).outputs).toEqual({ state: "stopped" });
    awsStub("running");
    expect(run("server", { ...serverEnv, SERVER_ACTION: "status" }).outputs).toEqual({ state: "running" });
  });

  it("stops the server only when the agent counted no preview left", () => {
    for (const left of ["2", ""]) {
      awsStub("running");
      const r = run("server", { ...serverEnv, SERVER_ACTION: "stop-if-idle", PREVIEWS_LEFT: left });
      expect(r.outputs).toEqual({ state: "left-running" });
      expect(r.calls).not.toContain("stop-instances");
      expect(state()).toBe("running");
    }
    awsStub("running");
    const r = run("server", { ...serverEnv, SERVER_ACTION: "stop-if-idle", PREVIEWS_LEFT: "0" });
    expect(r.outputs).toEqual({ state: "stopped" });
    expect(r.calls).toContain("aws ec2 stop-instances --instance-ids i-0bbb");
    expect(state()).toBe("stopped");
  });
});
