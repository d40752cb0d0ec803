#!/usr/bin/env node
/**
 * Writes a new team's Pulumi project: the team spec in Pulumi.yaml (keys in the project's own
 * namespace), one stack file per stack, a facts.yaml to fill in, a thin index.ts that runs this
 * package's program, package.json depending on this checkout by a `file:` path (so `npm install`
 * links it, never asks the public registry for it, and an upgrade is a `git pull` here),
 * tsconfig.json and a README.
 *
 *   npm run new-team -- --name payments --owner acme --service api --service web --out ../payments
 *
 * Exit codes: 0 written; 1 the spec is invalid (every problem printed with its key path) or the
 * output directory already exists; 2 bad usage (unknown, missing or malformed flags).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { stringify, parse } from "yaml";
import {
  BRANCH_MODELS,
  GITHUB_PLANS,
  validateTeamSpec,
  type BranchModel,
  type SpecIssue,
  type TeamSpec,
} from "../components/team";
import { releasePolicy } from "../components/release";

/** What a user chooses; everything else is a documented default of the spec. */
export interface NewTeamAnswers {
  readonly name: string;
  readonly owner: string;
  readonly services: readonly string[];
  /** @default "us-east-1" */
  readonly region?: string;
  /** @default "trunk" */
  readonly model?: string;
  /** @default the GitHub team `<owner>/<name>-maintainers` */
  readonly maintainers?: readonly string[];
  /**
   * GitHub plan of the owner. @default "enterprise" — the only plan that enforces environment
   * reviewers on private repositories; validation says so if you pick another.
   */
  readonly githubPlan?: string;
}

const FIRST_PORT = 8080;

/** Environments each branch model deploys to, in promotion order, named after their role. */
const ENVIRONMENTS: Readonly<Record<BranchModel, readonly { name: string; role: string }[]>> = {
  trunk: [
    { name: "integration", role: "integration" },
    { name: "staging", role: "staging" },
    { name: "production", role: "production" },
  ],
  "staging-branch": [
    { name: "staging", role: "staging" },
    { name: "production", role: "production" },
  ],
  "pre-production": [
    { name: "integration", role: "integration" },
    { name: "pre-production", role: "staging" },
    { name: "production", role: "production" },
  ],
};

/** The raw spec (as written in Pulumi.yaml) for the answers; not yet validated. */
export function teamSpecFromAnswers(a: NewTeamAnswers): Record<string, unknown> {
  const model = (a.model ?? "trunk") as BranchModel;
  return {
    name: a.name,
    github: { owner: a.owner, plan: a.githubPlan ?? "enterprise" },
    aws: { region: a.region ?? "us-east-1" },
    people: {
      maintainers:
        a.maintainers && a.maintainers.length > 0 ? [...a.maintainers] : [`${a.owner}/${a.name}-maintainers`],
      reviewers: [],
      requiredApprovals: 1,
    },
    branchModel: model,
    // Ports must differ: every service runs on each environment's server.
    services: a.services.map((name, i) => ({
      name,
      description: "",
      language: "node",
      port: FIRST_PORT + i,
      healthCheckPath: "/healthz",
    })),
    // An unknown model is reported by validation (team.branchModel); give it no environments.
    environments: (ENVIRONMENTS[model] ?? []).map((e) => ({ ...e })),
  };
}

/** Everything a team project consists of: relative path → file content. */
export function teamProjectFiles(
  spec: TeamSpec,
  raw: Record<string, unknown>,
  pkg: PackageInfo,
): Map<string, string> {
  const files = new Map<string, string>();
  const project = `${spec.name}-delivery`;
  const template = readTemplateProject(pkg.root);
  const header = (text: string) => `# ${text}\n`;

  files.set(
    "Pulumi.yaml",
    header("The team's delivery workflow. Edit the team spec below; `npm run plan` shows what it makes.") +
      stringify({
        name: project,
        description: `${spec.name}: commit-to-production workflow (GitHub, AWS, pipeline) from one release policy`,
        runtime: template.runtime,
        // A bare key is in the project's namespace: the program reads `${project}:team`.
        config: { ...template.providerConfig, team: { value: raw } },
      }),
  );

  const policy = releasePolicy(spec);
  files.set(
    "Pulumi.shared.yaml",
    header("What exists once per team: repositories, rules, workflows, registry, CI identity.") +
      stringify({ config: { [`${project}:role`]: "shared" } }),
  );
  for (const d of policy.deployments) {
    files.set(
      `Pulumi.${d.environment}.yaml`,
      header(`The ${d.environment} environment (${d.role}): servers, deploy role, GitHub environment.`) +
        stringify({
          config: { [`${project}:role`]: "environment", [`${project}:environment`]: d.environment },
        }),
    );
  }

  files.set(
    "package.json",
    `${JSON.stringify(
      {
        name: project,
        version: "0.1.0",
        private: true,
        description: `Delivery workflow of team ${spec.name}`,
        main: "index.ts",
        // `npm run plan` runs the linked package's bin from node_modules/.bin, never the registry.
        scripts: { plan: "delivery-plan", preview: "pulumi preview" },
        engines: pkg.engines,
        dependencies: {
          [pkg.name]: pkg.dependencySpec,
          // The same SDK versions as the program, so one copy of each is loaded.
          ...pick(pkg.dependencies, ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/github", "@pulumi/docker"]),
        },
        devDependencies: pick(pkg.devDependencies, ["@types/node", "typescript"]),
      },
      null,
      2,
    )}\n`,
  );

  files.set("facts.yaml", factsFile(spec));

  for (const file of ["index.ts", "tsconfig.json", ".gitignore", "README.md"]) {
    const text = fs.readFileSync(
      path.join(pkg.root, "templates", "team", file === ".gitignore" ? "gitignore" : file),
      "utf8",
    );
    files.set(
      file,
      text
        .replace(/\{\{name\}\}/g, spec.name)
        .replace(/\{\{project\}\}/g, project)
        .replace(/\{\{package\}\}/g, pkg.name)
        .replace(/\{\{stacks\}\}/g, ["shared", ...policy.deployments.map((d) => d.environment)].join(", ")),
    );
  }
  return files;
}

/**
 * A facts file that confirms nothing yet: until the team lists its members, teams, default VPCs
 * and instance type offerings, every login, network and zone the plan relies on is reported as an
 * assumption.
 */
function factsFile(spec: TeamSpec): string {
  return (
    [
      "# Known facts about the GitHub organization and the AWS account. `npm run plan` answers lookups",
      "# only from this file and lists everything else the spec relies on under Assumptions.",
      "# Fill it in from the organization's People and Teams pages and, per region, from",
      "#   aws ec2 describe-vpcs --filters Name=is-default,Values=true  (and describe-subnets)",
      "# and the zones offering each server type (describe-instance-type-offerings).",
      "",
    ].join("\n") +
    stringify({ github: { owner: spec.github.owner, users: [], teams: [] } }) +
    [
      "# aws:",
      '#   accountId: "123456789012"',
      "#   defaultVpcs:",
      `#     ${spec.aws.region}:`,
      "#       id: vpc-…",
      "#       subnets:",
      `#         - { id: subnet-…, availabilityZone: ${spec.aws.region}a }`,
      "#     # or, where describe-vpcs lists no default VPC: <region>: none",
      "#   instanceTypeOfferings:  # aws ec2 describe-instance-type-offerings --location-type availability-zone",
      `#     ${spec.aws.region}:`,
      `#       t4g.micro: [${spec.aws.region}a, ${spec.aws.region}b]`,
      "#   rootVolumes: {}  # servers' root volumes that exist, by Name tag, in GiB: <team>-<env>-root: 16",
      "",
    ].join("\n")
  );
}

function pick(
  from: Readonly<Record<string, string>> | undefined,
  keys: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (from?.[k]) out[k] = from[k];
  return out;
}

/** Runtime and provider settings copied from this package's own Pulumi.yaml (one source). */
function readTemplateProject(root: string): { runtime: unknown; providerConfig: Record<string, unknown> } {
  const doc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
  const providerConfig: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc.config ?? {})) if (k.startsWith("pulumi:")) providerConfig[k] = v;
  return { runtime: doc.runtime, providerConfig };
}

export interface PackageInfo {
  readonly root: string;
  readonly name: string;
  readonly version: string;
  /** How the team's package.json asks for this package. @default `^<version>` */
  readonly dependencySpec: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly engines?: Record<string, string>;
}

/**
 * This package: found by walking up from this file (works from scripts/ and from dist/scripts/).
 * @param outDir where the team project goes: by default it depends on this checkout by a
 *   relative `file:` path (the package is not published to any registry).
 */
export function packageInfo(dependencySpec?: string, outDir?: string): PackageInfo {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file) && fs.existsSync(path.join(dir, "templates", "team"))) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      return {
        root: dir,
        name: pkg.name,
        version: pkg.version,
        dependencySpec:
          dependencySpec ??
          (outDir
            ? `file:${path.relative(outDir, dir).split(path.sep).join("/") || "."}`
            : `^${pkg.version}`),
        dependencies: pkg.dependencies,
        devDependencies: pkg.devDependencies,
        engines: pkg.engines,
      };
    }
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error("cannot find the delivery-workflow package root (package.json with templates/team)");
    dir = up;
  }
}

// ---------------------------------------------------------------------------------------------
// Command line.

export const USAGE = `Usage: npm run new-team -- --name <team> --owner <github-owner> --service <name> [--service <name>...] --out <dir> [options]

Writes a new team's Pulumi project (Pulumi.yaml with the team spec, one stack file per stack,
facts.yaml, index.ts, package.json, tsconfig.json, README.md). Nothing is written if the spec is
invalid. Then: cd <dir> && npm install && npm run plan

Required:
  --name <slug>          team name: lowercase letters, digits, dashes (prefixes every resource)
  --owner <login>        GitHub organization or user that owns the repositories
  --service <slug>       a service (one repository each); repeat for more
  --out <dir>            directory to create; must not exist

Options:
  --region <region>      AWS region (default us-east-1)
  --model <model>        branch model: ${BRANCH_MODELS.join(" | ")} (default trunk)
  --maintainer <login>   maintainer (GitHub login or org/team); repeat for more
                         (default <owner>/<name>-maintainers)
  --github-plan <plan>   ${GITHUB_PLANS.join(" | ")} (default enterprise: the plan that enforces
                         production reviewers on private repositories)
  --from-stack <file>    take name, owner, region and first service from the stack file
                         \`pulumi new\` wrote from this repository's template prompts
  --package <spec>       how package.json depends on delivery-workflow (default file:<path to
                         this checkout>), e.g. git+https://github.com/acme/delivery-workflow#v0.1.0
  -h, --help             show this help

Exit codes: 0 written; 1 invalid spec or existing directory; 2 bad usage.`;

export class UsageError extends Error {}

export interface NewTeamCommand {
  readonly answers: NewTeamAnswers;
  readonly out: string;
  readonly packageSpec?: string;
}

/** Parses argv (without node and script). Throws {@link UsageError}; returns "help" for --help. */
export function parseNewTeamArgs(argv: readonly string[]): NewTeamCommand | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        name: { type: "string" },
        owner: { type: "string" },
        service: { type: "string", multiple: true },
        out: { type: "string" },
        region: { type: "string" },
        model: { type: "string" },
        maintainer: { type: "string", multiple: true },
        "github-plan": { type: "string" },
        package: { type: "string" },
        "from-stack": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    // Node's messages name the flag: "Unknown option '--nmae'", "Option '--name <value>' argument missing".
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
  if (values.help) return "help";
  if (values["from-stack"] !== undefined) {
    // Answers `pulumi new` stored from this repository's template prompts; flags still win.
    const answers = templateAnswers(values["from-stack"]);
    values.name ??= answers.name;
    values.owner ??= answers.owner;
    values.region ??= answers.region;
    values.service ??= answers.service ? [answers.service] : undefined;
  }
  const missing = (["name", "owner", "service", "out"] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0)
    throw new UsageError(
      `missing required flag${missing.length > 1 ? "s" : ""}: ${missing.map((m) => `--${m}`).join(", ")}`,
    );
  for (const [flag, v] of Object.entries(values)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (typeof item === "string" && item.trim() === "") throw new UsageError(`--${flag} needs a value`);
    }
  }
  return {
    answers: {
      name: values.name!,
      owner: values.owner!,
      services: values.service!,
      region: values.region,
      model: values.model,
      maintainers: values.maintainer,
      githubPlan: values["github-plan"],
    },
    out: values.out!,
    packageSpec: values.package,
  };
}

/** Prompt keys of the `template:` section in Pulumi.yaml → the flag each answers. */
export const TEMPLATE_PROMPTS = {
  "newTeam:name": "name",
  "newTeam:githubOwner": "owner",
  "newTeam:awsRegion": "region",
  "newTeam:firstService": "service",
} as const;

function templateAnswers(
  file: string,
): Partial<Record<(typeof TEMPLATE_PROMPTS)[keyof typeof TEMPLATE_PROMPTS], string>> {
  let config: Record<string, unknown>;
  try {
    config = parse(fs.readFileSync(file, "utf8"))?.config ?? {};
  } catch (err) {
    throw new UsageError(`--from-stack ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  const out: Partial<Record<string, string>> = {};
  for (const [key, flag] of Object.entries(TEMPLATE_PROMPTS)) {
    const v = config[key];
    if (typeof v === "string" || typeof v === "number") out[flag] = String(v);
  }
  return out;
}

export type NewTeamResult =
  | { readonly ok: true; readonly dir: string; readonly files: readonly string[] }
  | { readonly ok: false; readonly code: 1; readonly issues: readonly SpecIssue[] }
  | { readonly ok: false; readonly code: 1; readonly error: string };

/** Validates, then writes; writes nothing when anything is wrong. */
export function newTeam(cmd: NewTeamCommand, cwd = process.cwd()): NewTeamResult {
  const raw = teamSpecFromAnswers(cmd.answers);
  const result = validateTeamSpec(raw);
  if (!result.ok) return { ok: false, code: 1, issues: result.issues };
  const dir = path.resolve(cwd, cmd.out);
  if (fs.existsSync(dir))
    return {
      ok: false,
      code: 1,
      error: `${dir} already exists; choose a new directory (nothing was written)`,
    };
  const files = teamProjectFiles(result.spec, raw, packageInfo(cmd.packageSpec, dir));
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of files) fs.writeFileSync(path.join(dir, name), content);
  return { ok: true, dir, files: [...files.keys()] };
}

export function main(argv: readonly string[]): number {
  let cmd;
  try {
    cmd = parseNewTeamArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`new-team: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (cmd === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const r = newTeam(cmd);
  if (!r.ok) {
    if ("issues" in r) {
      process.stderr.write(
        `new-team: the team spec would be invalid (${r.issues.length} problem${r.issues.length === 1 ? "" : "s"}):\n`,
      );
      for (const i of r.issues) process.stderr.write(`  ${i.path}: ${i.message}\n`);
    } else {
      process.stderr.write(`new-team: ${r.error}\n`);
    }
    return r.code;
  }
  process.stdout.write(
    `Wrote ${r.dir}:\n${r.files.map((f) => `  ${f}`).join("\n")}\n\nNext: cd ${path.relative(process.cwd(), r.dir) || "."} && npm install && npm run plan\n` +
      "Then edit the team spec in Pulumi.yaml (maintainers, reviewers, services) and facts.yaml — README.md says what each key does.\n",
  );
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
