/**
 * The offline plan's JSON contract (plan/CONTRACT.md, checked against plan/contract.schema.json
 * in the tests): what `npm run plan -- --json` writes and what tests, the cost estimate and the
 * policy rules read. Extend it, never break it.
 */
import type { CheckedResource, Violation } from "../policy/index";

export interface CostItem {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** USD per month, rounded to cents. */
  readonly monthly: number;
  /** How the number was made: quantities and unit prices. */
  readonly detail: string;
}

/** The monthly estimate (plan/cost.ts). */
export interface CostReport {
  readonly currency: "USD";
  readonly monthly: number;
  readonly items: CostItem[];
  /** The region whose prices were used (the stack's AWS region), when and where they were taken. */
  readonly prices: { readonly region: string; readonly asOf: string; readonly source: string };
  /** Assumptions and fallbacks a reader must know (unknown region or instance type, assumed sizes). */
  readonly notes: string[];
  /**
   * The same team's idle cost on a load-balanced container service (plan/baseline.ts), where the
   * plan knows the team spec. Added in contract version 0.3. @default absent
   */
  readonly baseline?: CostBaseline;
}

/** What `cost.monthly` is compared with: ALB + Fargate for the same team (plan/baseline.ts). */
export interface CostBaseline {
  readonly kind: "load-balanced-container-service";
  /**
   * USD per month of this stack's counterpart: an environment stack's load balancer and tasks;
   * 0 for a stack with none (shared, a Kubernetes environment).
   */
  readonly monthly: number;
  /** `cost.monthly / monthly`, 4 decimals; absent when `monthly` is 0. */
  readonly ratio?: number;
  /** USD per month of the whole team's counterpart: divide the sum of every stack's `cost.monthly` by it. */
  readonly teamMonthly: number;
  /** Fargate CPU architecture priced (the cheaper one): `ARM64` or `X86_64`. */
  readonly architecture: string;
  /** How this stack's number was made. */
  readonly detail: string;
  /** What the comparison assumes. */
  readonly assumptions: string[];
}

/** One resource as the plan records it. */
export interface PlannedResource {
  readonly urn: string;
  /** Pulumi's type token as the engine sees it. */
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** URN of the explicit provider, or null (components, the stack, providers). */
  readonly provider: string | null;
  readonly custom: boolean;
  /** Inputs as registered; secret values are "[secret]", values not known offline "[unknown]". */
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** URNs of explicit `dependsOn` resources. */
  readonly dependsOn: string[];
  /** Aliases as URNs. */
  readonly aliases: string[];
  readonly ignoreChanges: string[];
  /** The `import` option: the ID of an existing resource the `up` adopts. Absent when not set. */
  readonly import?: string;
}

/** What a lookup was answered with although the known-facts file does not confirm it. */
export interface Assumption {
  /** What was looked up: `github-user`, `github-team`, `aws-vpc`, `aws-subnet`, `aws-account`, … */
  readonly kind: string;
  /** The login, team slug, VPC or subnet id as the program asked for it. */
  readonly name: string;
  /** Who asked: the function token and the URN of the resource it was called for. */
  readonly source: string;
  /** Why it is an assumption, and how to confirm it. */
  readonly why: string;
}

/** A stack's plan. */
export interface StackPlan {
  readonly project: string;
  readonly stack: string;
  readonly resources: PlannedResource[];
  /** Stack outputs, secrets "[secret]". */
  readonly outputs: Record<string, unknown>;
  readonly policy: { readonly violations: Violation[] };
  readonly cost: CostReport;
  /** Lookups answered without a known fact behind them (added in contract version 2). */
  readonly assumptions: Assumption[];
  /**
   * The GitHub App permissions the stack's resources need (components/github/app-permissions.ts),
   * where the program reports them. @default absent
   */
  readonly githubAppPermissions?: Readonly<Record<string, string>>;
}

// The rules read recorded resources: a planned resource must stay one they can judge.
const judged: (r: PlannedResource) => CheckedResource = (r) => r;
void judged;
