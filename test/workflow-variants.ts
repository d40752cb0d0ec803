/**
 * The specs every workflow test runs over, and helpers to take generated workflows apart.
 * Variants: the reference team; each branch model; Slack and Sentry on and off; every
 * language preset; commands and thresholds from the spec; a mixed-runtime team
 * (examples/kubernetes.yaml: integration on a server, staging and production on Kubernetes).
 */
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { releasePolicy, type ReleasePolicy } from "../components/release";
import { parseTeamSpec, type ServiceSpec, type TeamSpec } from "../components/team";
import { pipelineFiles, type PipelineFile } from "../components/pipeline";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, referenceTeamRaw, teamFor } from "./fixtures";

export interface Variant {
  readonly label: string;
  readonly spec: TeamSpec;
}

const LANGUAGE_SERVICES = [
  { name: "web-node", language: "node" },
  { name: "worker-py", language: "python", port: 8081 },
  { name: "gateway-go", language: "go", port: 8082, healthCheckPath: "/ready" },
  {
    name: "legacy-tool",
    language: "generic",
    port: 8083,
    commands: { lint: "make lint", test: 'make test COVERAGE_MIN="$COVERAGE_THRESHOLD"' },
  },
  {
    name: "custom-node",
    language: "node",
    port: 8084,
    coverageThreshold: 92.5,
    dockerfile: "docker/Dockerfile",
    commands: { lint: "npm run lint", test: "npm run test:coverage" },
  },
];

function referenceWithout(...keys: ("slack" | "sentry")[]): TeamSpec {
  const raw = referenceTeamRaw() as { notifications: Record<string, unknown> };
  for (const key of keys) delete raw.notifications[key];
  return parseTeamSpec(raw);
}

/** examples/kubernetes.yaml as it is: integration on a server, staging and production on EKS. */
export function mixedRuntimeTeam(): TeamSpec {
  return parseTeamSpec(
    parse(readFileSync(path.join(__dirname, "..", "examples", "kubernetes.yaml"), "utf8")),
  );
}

export function variants(): Variant[] {
  const notifications = (referenceTeamRaw() as { notifications: unknown }).notifications;
  return [
    { label: "reference team", spec: referenceTeam() },
    { label: "reference, slack off", spec: referenceWithout("slack") },
    { label: "reference, sentry off", spec: referenceWithout("sentry") },
    { label: "reference, no notifications", spec: referenceWithout("slack", "sentry") },
    ...BRANCH_MODELS_UNDER_TEST.map((model) => ({
      label: `${model}, every language, notifications on`,
      spec: teamFor(model, { services: LANGUAGE_SERVICES, notifications }),
    })),
    ...BRANCH_MODELS_UNDER_TEST.map((model) => ({ label: `${model}, minimal`, spec: teamFor(model) })),
    ...BRANCH_MODELS_UNDER_TEST.map((model) => ({
      label: `${model}, sonar, public arm64 service, slack`,
      spec: teamFor(model, {
        services: [
          { name: "api", port: 8080 },
          { name: "site", port: 8081, visibility: "public", language: "python" },
        ],
        quality: { sonar: { hostUrl: "https://sonarcloud.io", organization: "acme" } },
        notifications: { slack: { channel: "#deploys" } },
      }),
    })),
    {
      label: "trunk, x86 servers",
      spec: teamFor("trunk", {
        environments: [
          { name: "integration", role: "integration", instanceType: "t3.micro" },
          { name: "staging", role: "staging", instanceType: "t3.micro" },
          { name: "production", role: "production", instanceType: "m7i.large" },
        ],
        // A 1 GiB t3.micro holds no previews beside its service (the spec refuses them).
        previews: { enabled: false },
      }),
    },
    { label: "mixed runtimes (examples/kubernetes.yaml)", spec: mixedRuntimeTeam() },
  ];
}

export interface GeneratedFile extends PipelineFile {
  readonly variant: string;
  readonly service: ServiceSpec;
  readonly spec: TeamSpec;
  readonly policy: ReleasePolicy;
}

export function generatedFiles(): GeneratedFile[] {
  return variants().flatMap(({ label, spec }) => {
    const policy = releasePolicy(spec);
    return spec.services.flatMap((service) =>
      pipelineFiles(spec, service, policy).map((f) => ({ ...f, variant: label, service, spec, policy })),
    );
  });
}

export const isWorkflow = (f: PipelineFile): boolean => f.path.startsWith(".github/workflows/");

export type ParsedWorkflow = { on: any; permissions: any; concurrency?: any; jobs: Record<string, any> };

export function parseWorkflow(content: string): ParsedWorkflow {
  return parse(content) as ParsedWorkflow;
}

export interface RunScript {
  readonly where: string;
  readonly script: string;
  /** Every variable the step sees: workflow/job/step `env` and GitHub's defaults. */
  readonly env: readonly string[];
}

/** Variables GitHub (and configure-aws-credentials) put in every step's environment. */
const RUNNER_ENV = [
  "GITHUB_OUTPUT",
  "GITHUB_STEP_SUMMARY",
  "GITHUB_SERVER_URL",
  "GITHUB_REPOSITORY",
  "GITHUB_RUN_ID",
  "AWS_REGION",
];

export function runScripts(file: GeneratedFile): RunScript[] {
  const wf = parseWorkflow(file.content);
  const out: RunScript[] = [];
  for (const [jobId, job] of Object.entries(wf.jobs)) {
    for (const step of job.steps as any[]) {
      if (typeof step.run !== "string") continue;
      out.push({
        where: `${file.variant} / ${file.service.name} / ${file.path} / ${jobId} / ${step.name}`,
        script: step.run,
        env: [...RUNNER_ENV, ...Object.keys(job.env ?? {}), ...Object.keys(step.env ?? {})],
      });
    }
  }
  return out;
}

/**
 * shellcheck with bash semantics (GitHub runs `bash -e {0}`). The step's variables are declared
 * first and `check-unassigned-uppercase` is on, so a script that reads a variable its step does
 * not set is a finding too. Returns shellcheck's report ("" when clean).
 */
export function shellcheck(script: RunScript): string {
  // `read` assigns without a known value, so quoting checks still apply to these variables.
  const names = [...new Set(script.env)].join(" ");
  const prelude = `read -r ${names}\nexport ${names}`;
  const source = `#!/usr/bin/env bash\n${prelude}\n${script.script}`;
  const result = spawnSync(
    "shellcheck",
    ["--shell=bash", "--enable=check-unassigned-uppercase", "--format=gcc", "-"],
    {
      input: source,
      encoding: "utf8",
    },
  );
  if (result.error) throw result.error;
  return result.status === 0 ? "" : `${result.stdout}${result.stderr}`;
}
