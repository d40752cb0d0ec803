/**
 * The plan as a reviewer reads it: a tree grouped by component (component → children: type,
 * name, the few inputs that matter), then what the environment deploys and from which trigger,
 * counts by type, the monthly cost and the policy results.
 *
 * By default repeated siblings are summarized (the first of a kind is shown in full, the rest
 * on one line) so a 20-service team fits in about a terminal page per stack; `detail` shows
 * every resource.
 */
import type { PlannedResource, StackPlan } from "./contract";
import type { DeploymentSummary } from "./summary";

export interface TextOptions {
  /** Show every resource and the full cost breakdown. @default false - repeated siblings summarized */
  readonly detail?: boolean;
  /** What this (environment) stack deploys, from the release policy. */
  readonly deployment?: DeploymentSummary;
}

/** Siblings of one type shown in full before the rest are summarized on one line. */
const SHOWN_PER_GROUP = 2;
/** Repeated components (one per service, say) show one example in full. */
const SHOWN_COMPONENTS_PER_GROUP = 1;
/** Policy violations listed one by one before they are grouped by rule. */
const SHOWN_VIOLATIONS = 6;
const MAX_VALUE = 48;

/** Input paths worth a reviewer's glance, per type token. Types not listed show none. */
const KEY_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "pulumi:providers:aws": ["region"],
  "pulumi:providers:github": ["owner"],
  "pulumi:pulumi:StackReference": ["name"],
  "aws:ecr/repository:Repository": ["name", "imageTagMutability", "imageScanningConfiguration.scanOnPush"],
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ["url", "clientIdLists"],
  "aws:iam/role:Role": ["name"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["policyArn"],
  "aws:iam/instanceProfile:InstanceProfile": ["name"],
  "aws:ec2/instance:Instance": ["instanceType", "rootBlockDevice.volumeSize", "metadataOptions.httpTokens"],
  "aws:ec2/eip:Eip": ["domain"],
  "aws:ec2/securityGroup:SecurityGroup": ["description"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
    "ipProtocol",
    "fromPort",
    "toPort",
    "cidrIpv4",
  ],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["ipProtocol", "fromPort", "toPort", "cidrIpv4"],
  "aws:ssm/parameter:Parameter": ["name", "type"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["metricName", "comparisonOperator", "threshold"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "retentionInDays"],
  "github:index/repository:Repository": ["name", "visibility"],
  "github:index/team:Team": ["name", "privacy"],
  "github:index/teamMembership:TeamMembership": ["username", "role"],
  "github:index/teamRepository:TeamRepository": ["repository", "permission"],
  "github:index/repositoryFile:RepositoryFile": ["repository", "file"],
  "github:index/repositoryRuleset:RepositoryRuleset": [
    "repository",
    "target",
    "enforcement",
    "conditions.refName.includes",
  ],
  "github:index/repositoryEnvironment:RepositoryEnvironment": ["repository", "environment", "waitTimer"],
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": [
    "repository",
    "environment",
    "branchPattern",
    "tagPattern",
  ],
  "github:index/actionsVariable:ActionsVariable": ["repository", "variableName", "value"],
  "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": [
    "repository",
    "environment",
    "variableName",
    "value",
  ],
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": [
    "repository",
    "environment",
    "secretName",
  ],
  "github:index/branch:Branch": ["repository", "branch"],
  "github:index/branchDefault:BranchDefault": ["repository", "branch"],
  "docker:index/image:Image": ["imageName"],
};

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function show(value: unknown): string {
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE - 1)}…`;
  return /[\s"]/.test(text) && typeof value === "string" ? JSON.stringify(text) : text;
}

/** The inputs shown next to a resource: `key=value`, secrets as [secret]. */
export function keyInputs(r: PlannedResource): string {
  const paths = KEY_INPUTS[r.type] ?? [];
  const parts: string[] = [];
  for (const p of paths) {
    const v = get(r.inputs, p);
    if (v === undefined || v === null || v === "") continue;
    parts.push(`${p.split(".").pop()}=${show(v)}`);
  }
  const trust = r.type === "aws:iam/role:Role" ? trustSubjects(r.inputs.assumeRolePolicy) : [];
  if (trust.length > 0)
    parts.push(`trusts=${trust.length === 1 ? trust[0] : `${trust[0]} (+${trust.length - 1})`}`);
  return parts.join(" ");
}

/** OIDC subjects an assume-role policy admits (what a reviewer of a deploy role checks first). */
export function trustSubjects(policy: unknown): string[] {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  const statements = (doc as { Statement?: unknown } | undefined)?.Statement;
  const subjects: string[] = [];
  for (const s of Array.isArray(statements) ? statements : statements ? [statements] : []) {
    const condition = (s as { Condition?: Record<string, Record<string, unknown>> }).Condition ?? {};
    for (const test of Object.values(condition)) {
      for (const [key, value] of Object.entries(test ?? {})) {
        if (key.endsWith(":sub"))
          subjects.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
      }
    }
  }
  return subjects;
}

/** `github:index/repositoryFile:RepositoryFile` → `github:RepositoryFile`; `aws:ecr/repository:Repository` → `aws:ecr:Repository`. */
export function shortType(type: string): string {
  const parts = type.split(":");
  if (parts.length !== 3 || parts[0] === "pulumi" || parts[0] === "delivery") return type;
  const module = parts[1].split("/")[0];
  return module === "index" || module === ""
    ? `${parts[0]}:${parts[2]}`
    : `${parts[0]}:${module}:${parts[2]}`;
}

const money = (n: number) => `$${n.toFixed(2)}`;

/** One line per resource, indented as a tree under its parent. */
function tree(plan: StackPlan, detail: boolean): string[] {
  const children = new Map<string | null, PlannedResource[]>();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const costByUrn = new Map(plan.cost.items.map((i) => [i.urn, i.monthly]));
  const descendants = (urn: string): number =>
    (children.get(urn) ?? []).reduce((n, c) => n + 1 + descendants(c.urn), 0);
  // Full tokens in --detail; `pkg:Type` otherwise (the counts below keep the full tokens).
  const typeLabel = (type: string) => (detail ? type : shortType(type));
  const line = (r: PlannedResource) => {
    const flags = [
      r.protect ? "protect" : "",
      r.retainOnDelete ? "retain" : "",
      r.aliases.length ? "aliased" : "",
      r.import ? `import=${r.import}` : "",
    ].filter(Boolean);
    const cost = costByUrn.get(r.urn);
    return [
      typeLabel(r.type),
      r.name,
      keyInputs(r),
      flags.length ? `[${flags.join(",")}]` : "",
      cost ? `${money(cost)}/mo` : "",
    ]
      .filter(Boolean)
      .join("  ");
  };

  const out: string[] = [];
  const walk = (urn: string, prefix: string) => {
    const kids = children.get(urn) ?? [];
    // Group siblings by type, keeping first-appearance order.
    const groups = new Map<string, PlannedResource[]>();
    for (const k of kids) groups.set(k.type, [...(groups.get(k.type) ?? []), k]);
    const rows: Array<{ resource?: PlannedResource; summary?: string }> = [];
    for (const [type, members] of groups) {
      const limit = members[0].custom ? SHOWN_PER_GROUP : SHOWN_COMPONENTS_PER_GROUP;
      const shown = detail || members.length <= limit + 1 ? members : members.slice(0, limit);
      for (const m of shown) rows.push({ resource: m });
      const rest = members.slice(shown.length);
      if (rest.length > 0) {
        const names = rest.map((m) => m.name);
        const listed =
          names.length > 4
            ? `${names.slice(0, 3).join(", ")}, … ${names[names.length - 1]}`
            : names.join(", ");
        const inner = rest.reduce((n, m) => n + descendants(m.urn), 0);
        const cost = rest.reduce((n, m) => n + (costByUrn.get(m.urn) ?? 0), 0);
        rows.push({
          summary: `… ${rest.length} more ${typeLabel(type)}: ${listed}${inner ? ` (${inner} resources inside)` : ""}${cost ? `  ${money(cost)}/mo` : ""}`,
        });
      }
    }
    rows.forEach((row, i) => {
      const last = i === rows.length - 1;
      const branch = last ? "└─ " : "├─ ";
      if (row.summary) {
        out.push(`${prefix}${branch}${row.summary}`);
        return;
      }
      out.push(`${prefix}${branch}${line(row.resource!)}`);
      walk(row.resource!.urn, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  for (const root of children.get(null) ?? []) {
    out.push(line(root));
    walk(root.urn, "");
  }
  return out;
}

function deploymentLines(summary: DeploymentSummary): string[] {
  const d = summary.deployment;
  const trigger = `${d.trigger.label} (${d.trigger.kind} ${d.trigger.patterns.join(", ")}; exactly ${d.trigger.regex})`;
  const artifact: Record<string, string> = {
    build: "builds the image from the pushed commit",
    "promote-commit": "promotes the image built for the tagged commit",
    "promote-merge-parent": "promotes the image of the merged branch's head",
    "promote-latest-rc": "promotes the digest of the newest release candidate of the version",
  };
  const lines = [
    `Deploys to ${d.environment} (${d.role}): ${summary.services.join(", ")}`,
    `  trigger:   ${trigger}`,
    `  from:      ${d.sourceBranch}${d.promotesFrom ? `, promoting ${d.promotesFrom}'s release` : ""}; ${artifact[d.artifact] ?? d.artifact}`,
    `  approvals: ${d.reviewers.length ? d.reviewers.join(", ") : "none"}${d.waitTimerMinutes ? `, wait ${d.waitTimerMinutes} min` : ""}${d.preventSelfReview ? ", no self-review" : ""}`,
  ];
  return lines;
}

/** Counts of resources by type token, most frequent first. */
export function countsByType(plan: StackPlan): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The text rendering of one stack's plan. */
export function renderStack(plan: StackPlan, opts: TextOptions = {}): string {
  const detail = opts.detail === true;
  const mandatory = plan.policy.violations.filter((v) => v.level === "mandatory").length;
  const advisory = plan.policy.violations.length - mandatory;
  const out: string[] = [];
  out.push(
    `== stack ${plan.stack} (${plan.project}): ${plan.resources.length} resources, ${money(plan.cost.monthly)}/month, ` +
      `policy: ${mandatory} mandatory, ${advisory} advisory`,
  );
  out.push(...tree(plan, detail));
  if (opts.deployment) {
    out.push("");
    out.push(...deploymentLines(opts.deployment));
  }

  out.push("");
  out.push("Resources by type:");
  const counts = countsByType(plan);
  const width = Math.max(...counts.map(([, n]) => String(n).length));
  if (detail) {
    for (const [type, n] of counts) out.push(`  ${String(n).padStart(width)}  ${type}`);
  } else {
    // Three short `pkg:Type` columns per line: the full tokens are in --detail and the JSON.
    const cells = counts.map(([type, n]) => `${String(n).padStart(width)} ${shortType(type)}`);
    const cellWidth = Math.max(...cells.map((c) => c.length)) + 2;
    for (let i = 0; i < cells.length; i += 3)
      out.push(
        `  ${cells
          .slice(i, i + 3)
          .map((c) => c.padEnd(cellWidth))
          .join("")
          .trimEnd()}`,
      );
  }

  out.push("");
  out.push(
    `Monthly cost: ${money(plan.cost.monthly)} ${plan.cost.currency} (${plan.cost.prices.region} list prices as of ${plan.cost.prices.asOf})`,
  );
  if (detail) {
    for (const item of plan.cost.items)
      out.push(`  ${money(item.monthly).padStart(8)}  ${shortType(item.type)} ${item.name}: ${item.detail}`);
  } else {
    // One line per priced type, most expensive first.
    const byType = new Map<string, typeof plan.cost.items>();
    for (const item of plan.cost.items) byType.set(item.type, [...(byType.get(item.type) ?? []), item]);
    const rows = [...byType].map(([type, items]) => ({
      type,
      items,
      total: items.reduce((n, i) => n + i.monthly, 0),
    }));
    for (const row of rows.sort((a, b) => b.total - a.total)) {
      const what =
        row.items.length === 1
          ? `${shortType(row.type)} ${row.items[0].name}`
          : `${row.items.length} × ${shortType(row.type)}`;
      // Items priced alike share one detail; otherwise (a server stopped while idle beside
      // running ones) each name and amount is shown, never one item's detail as "each".
      const alike = row.items.every((i) => i.detail === row.items[0].detail);
      const detailText = alike
        ? `${row.items[0].detail}${row.items.length > 1 ? " each" : ""}`
        : row.items.map((i) => `${i.name} ${money(i.monthly)}`).join(", ");
      out.push(`  ${money(row.total).padStart(8)}  ${what}: ${detailText}`);
    }
  }
  for (const note of plan.cost.notes ?? []) out.push(`  note: ${note}`);
  const baseline = plan.cost.baseline;
  if (baseline && baseline.monthly > 0) {
    out.push(
      `  idle ${money(plan.cost.monthly)}/month = ${((baseline.ratio ?? 0) * 100).toFixed(1)}% of a load-balanced container service for this environment (${money(baseline.monthly)}: ${baseline.detail})`,
    );
  }

  out.push("");
  if (plan.policy.violations.length === 0) {
    out.push("Policy: no violations");
  } else {
    out.push(
      `Policy: ${mandatory} mandatory, ${advisory} advisory violation${plan.policy.violations.length === 1 ? "" : "s"}`,
    );
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const what = (urn: string) => {
      const r = byUrn.get(urn);
      return r ? `${shortType(r.type)} ${r.name}` : urn;
    };
    const ordered = [...plan.policy.violations].sort(
      (a, b) => Number(a.level !== "mandatory") - Number(b.level !== "mandatory"),
    );
    if (detail || ordered.length <= SHOWN_VIOLATIONS) {
      for (const v of ordered) out.push(`  [${v.level}] ${v.policy}: ${what(v.urn)}: ${v.message}`);
    } else {
      const byRule = new Map<string, typeof ordered>();
      for (const v of ordered)
        byRule.set(`${v.level} ${v.policy}`, [...(byRule.get(`${v.level} ${v.policy}`) ?? []), v]);
      for (const vs of byRule.values()) {
        const v = vs[0];
        const more =
          vs.length > 1 ? ` (and ${vs.length - 1} more resource${vs.length > 2 ? "s" : ""}: --detail)` : "";
        out.push(`  [${v.level}] ${v.policy}: ${what(v.urn)}: ${v.message}${more}`);
      }
    }
  }

  if (plan.githubAppPermissions) {
    out.push("");
    out.push(
      `GitHub App permissions this stack needs: ${Object.entries(plan.githubAppPermissions)
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ")}`,
    );
  }

  out.push("");
  const assumptions = plan.assumptions ?? [];
  if (assumptions.length === 0) {
    out.push("Assumptions: none (every lookup was confirmed by facts.yaml)");
  } else {
    out.push(`Assumptions: ${assumptions.length} not confirmed by facts.yaml`);
    for (const a of assumptions) out.push(`  [${a.kind}] ${a.name}: ${a.why}`);
  }

  const outputs = Object.entries(plan.outputs);
  if (outputs.length > 0) {
    out.push("");
    out.push("Outputs:");
    const shown = detail ? outputs : outputs.slice(0, 12);
    for (const [k, v] of shown) out.push(`  ${k}: ${show(v)}`);
    if (outputs.length > shown.length) out.push(`  … ${outputs.length - shown.length} more (--detail)`);
  }
  return out.join("\n");
}

/**
 * The whole team's idle cost against its load-balanced container service counterpart, when the
 * plans cover every environment that has one (`--all`); undefined otherwise.
 */
export function teamComparison(plans: readonly StackPlan[]): string | undefined {
  const baselines = plans.map((p) => p.cost.baseline);
  if (baselines.length === 0 || baselines.some((b) => b === undefined)) return undefined;
  const team = baselines[0]!.teamMonthly;
  const covered = baselines.reduce((n, b) => n + b!.monthly, 0);
  if (team <= 0 || baselines.some((b) => b!.teamMonthly !== team) || Math.abs(covered - team) > 0.011)
    return undefined;
  const idle = plans.reduce((n, p) => n + p.cost.monthly, 0);
  return (
    `idle ${money(idle)}/month = ${((idle / team) * 100).toFixed(1)}% of a load-balanced container service ` +
    `(${money(team)}: ALB + Fargate, ${baselines[0]!.assumptions.join("; ")})`
  );
}
