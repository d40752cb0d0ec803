/**
 * Small readers shared by the rules. Inputs may be missing, of the wrong type, secret or not
 * known yet; every reader is defensive so a rule never throws on odd input.
 */
import type { CheckedResource } from "../types";

/** Type tokens exactly as the engine sees them. */
export const T = {
  ecrRepository: "aws:ecr/repository:Repository",
  ecrLifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  role: "aws:iam/role:Role",
  iamPolicy: "aws:iam/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  ssmParameter: "aws:ssm/parameter:Parameter",
  ssmDocument: "aws:ssm/document:Document",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  ghRepository: "github:index/repository:Repository",
  ghRuleset: "github:index/repositoryRuleset:RepositoryRuleset",
  ghEnvironment: "github:index/repositoryEnvironment:RepositoryEnvironment",
  ghSecret: "github:index/actionsSecret:ActionsSecret",
  ghEnvironmentSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
  ghOrganizationSecret: "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
  ghDependabotSecret: "github:index/dependabotSecret:DependabotSecret",
  ghRepositoryFile: "github:index/repositoryFile:RepositoryFile",
  ghTeam: "github:index/team:Team",
  ghTeamMembers: "github:index/teamMembers:TeamMembers",
  ghTeamMembership: "github:index/teamMembership:TeamMembership",
  ghTeamRepository: "github:index/teamRepository:TeamRepository",
  ghBranchDefault: "github:index/branchDefault:BranchDefault",
  ghVariable: "github:index/actionsVariable:ActionsVariable",
  ghEnvironmentVariable: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
  ghDeploymentPolicy:
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
} as const;

/** How the offline plan shows a secret input, and how the pack adapter shows an unknown one. */
export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

export const isUnknown = (v: unknown): boolean => v === UNKNOWN;
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Record<string, unknown> | undefined => (isObject(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined =>
  typeof v === "string" && !isUnknown(v) ? v : undefined;
export const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

/** A string or a list of strings (IAM's `Action`, `Resource`, condition values). */
export function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  return arr(v).filter((x): x is string => typeof x === "string");
}

/** `urn:pulumi:<stack>::<project>::…` → `<stack>`. */
export function stackOfUrn(urn: string): string | undefined {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  return m?.[1];
}

export const ofType = (resources: readonly CheckedResource[], type: string): CheckedResource[] =>
  resources.filter((r) => r.type === type);

/** Shows a value in a message, shortened. */
export function show(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents: strings (JSON) in the plan, objects when a program passes one.

export interface Statement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly notResources: string[];
  readonly principal: unknown;
  readonly condition: Record<string, unknown>;
}

export type ParsedDocument =
  { ok: true; statements: Statement[] } | { ok: false; reason: "unknown" | "invalid" };

export function parseDocument(v: unknown): ParsedDocument {
  let doc: unknown = v;
  if (v === undefined || isUnknown(v)) return { ok: false, reason: "unknown" };
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v);
    } catch {
      return { ok: false, reason: "invalid" };
    }
  }
  const d = obj(doc);
  if (!d) return { ok: false, reason: "invalid" };
  const raw = Array.isArray(d.Statement) ? d.Statement : isObject(d.Statement) ? [d.Statement] : [];
  const statements = raw.filter(isObject).map((s, index): Statement => ({
    index,
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect: typeof s.Effect === "string" ? s.Effect : "Allow",
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    notResources: strings(s.NotResource),
    principal: s.Principal,
    condition: obj(s.Condition) ?? {},
  }));
  return { ok: true, statements };
}

/** `Statement[1] (Sid "Deploy")`: where in a document a problem is. */
export function where(s: Statement): string {
  return s.sid ? `Statement[${s.index}] (Sid "${s.sid}")` : `Statement[${s.index}]`;
}

/** The permission documents a resource carries, each with the input path it came from. */
export function permissionDocuments(r: CheckedResource): { path: string; doc: unknown }[] {
  switch (r.type) {
    case T.role:
      return arr(r.inputs.inlinePolicies).flatMap((p, i) => {
        const o = obj(p);
        return o && o.policy !== undefined ? [{ path: `inlinePolicies[${i}].policy`, doc: o.policy }] : [];
      });
    case T.iamPolicy:
    case T.rolePolicy:
    case T.userPolicy:
    case T.groupPolicy:
      return r.inputs.policy === undefined ? [] : [{ path: "policy", doc: r.inputs.policy }];
    default:
      return [];
  }
}

export const PERMISSION_TYPES = [T.role, T.iamPolicy, T.rolePolicy, T.userPolicy, T.groupPolicy] as const;

// ---------------------------------------------------------------------------------------------
// GitHub rulesets.

export interface Ruleset {
  readonly resource: CheckedResource;
  readonly repository?: string;
  readonly target?: string;
  readonly active: boolean;
  readonly includes: string[];
  readonly excludes: string[];
  readonly rules: Record<string, unknown>;
  readonly bypassActors: unknown[];
}

export function readRuleset(r: CheckedResource): Ruleset {
  const refName = obj(obj(r.inputs.conditions)?.refName);
  return {
    resource: r,
    repository: str(r.inputs.repository),
    target: str(r.inputs.target),
    active: r.inputs.enforcement === "active",
    includes: strings(refName?.includes),
    excludes: strings(refName?.excludes),
    rules: obj(r.inputs.rules) ?? {},
    bypassActors: arr(r.inputs.bypassActors),
  };
}
