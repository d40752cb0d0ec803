/**
 * The shapes the rules read and write. Kept free of `@pulumi/*` so the offline plan, the tests
 * and the real policy pack share them.
 */
import type { TeamSpec } from "../components/team";
import type { ReleasePolicy } from "../components/release";

export type PolicyLevel = "mandatory" | "advisory";

/**
 * A resource as the offline plan records it (a subset of its JSON contract), or as the real
 * policy pack sees it (`args.props` converted by `fromPolicyResource`).
 */
export interface CheckedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  /**
   * Inputs as the engine sees them: camelCase SDK property names, nested objects as-is, JSON
   * policy documents as strings. Secret values read "[secret]" in the offline plan; values not
   * known yet (real preview) read "[unknown]".
   */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
  /** Undefined where the engine does not say (the real policy pack cannot see this option). */
  readonly retainOnDelete?: boolean;
  readonly aliases?: readonly unknown[];
  readonly ignoreChanges?: readonly string[];
  /** URNs each input came from, where known (real policy pack). */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
  readonly policy: string;
  readonly level: PolicyLevel;
  readonly urn: string;
  readonly message: string;
}

/**
 * What the rules may know beyond the resources. Every field is optional: a rule that needs a
 * field it does not have judges what it can and stays silent about the rest.
 */
export interface PolicyContext {
  /** The validated team spec. */
  readonly spec?: TeamSpec;
  /** The release policy derived from it. */
  readonly policy?: ReleasePolicy;
  /** The stack's role; inferred from the stack name in the URNs when absent. */
  readonly role?: "shared" | "environment";
  /** The environment an environment stack provisions; inferred from the stack name when absent. */
  readonly environment?: string;
  /**
   * Whether secret inputs are visible as "[secret]" (the offline plan) or arrive unwrapped (the
   * real policy pack, which cannot tell a secret from plain text). @default true
   */
  readonly secretsMarked?: boolean;
  /**
   * Id of the GitHub App Pulumi runs as (`delivery-workflow:githubAppId`): the one bypass actor a
   * protected-branch ruleset may name, so the files Pulumi manages can be committed. @default
   * unknown - any app but GitHub Actions is taken to be it
   */
  readonly automationAppId?: number;
  /**
   * Function calls (invokes) the program made, with their answers: the offline plan records
   * them; the real policy pack sees none. Rules that judge what a lookup resolved (the AMI an
   * instance runs) read them. @default none - such rules stay silent
   */
  readonly lookups?: readonly Lookup[];
  /**
   * The permissions the GitHub App Pulumi runs as was granted, as the stack config declares
   * them (`delivery-workflow:githubAppPermissions`, e.g. `{ administration: write, contents:
   * write }`). @default undeclared - the permissions the stack needs are reported as advice
   */
  readonly githubAppPermissions?: Readonly<Record<string, string>>;
  /**
   * The `config:` section of `Pulumi.<stack>.yaml` as written (`secure:` values stay wrapped),
   * for the rules that judge the file itself (plain-text secrets). @default not read
   */
  readonly stackConfig?: Readonly<Record<string, unknown>>;
}

/** One function call of the program and the provider's (or fake cloud's) answer. */
export interface Lookup {
  readonly token: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** The context as rules read it: the stack's role and environment resolved where possible. */
export interface RuleContext {
  readonly spec?: TeamSpec;
  readonly policy?: ReleasePolicy;
  readonly role?: "shared" | "environment";
  readonly environment?: string;
  readonly secretsMarked: boolean;
  readonly automationAppId?: number;
  readonly lookups?: readonly Lookup[];
  readonly githubAppPermissions?: Readonly<Record<string, string>>;
  readonly stackConfig?: Readonly<Record<string, unknown>>;
}

interface RuleBase {
  /** Stable id: the policy name in the pack and in the plan's JSON. */
  readonly id: string;
  /** One line: why the rule exists. */
  readonly description: string;
  /** The scanner or benchmark check it mirrors (checkov, OpenSSF Scorecard, …). */
  readonly mirrors: string;
  readonly level: PolicyLevel;
}

/** Judges one resource at a time; returns one message per problem. */
export interface ResourceRule extends RuleBase {
  readonly kind: "resource";
  /** Type tokens the rule judges. */
  readonly types: readonly string[];
  check(resource: CheckedResource, ctx: RuleContext): string[];
}

export interface Finding {
  readonly urn: string;
  readonly message: string;
}

/** Judges the stack as a whole (relations between resources, coverage of the release policy). */
export interface StackRule extends RuleBase {
  readonly kind: "stack";
  check(resources: readonly CheckedResource[], ctx: RuleContext): Finding[];
}

export type Rule = ResourceRule | StackRule;
