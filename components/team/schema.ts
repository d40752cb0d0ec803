/**
 * The team spec: the one input a team edits (`delivery-workflow:team` in `Pulumi.yaml`).
 *
 * Structure and defaults live here, in one place; rules that relate several fields to each
 * other live in `semantics.ts`. Every object is strict, so a misspelt key is an error instead
 * of a setting that silently vanishes.
 */
import { z } from "zod";
import { AWS_REGIONS } from "./regions";
import { AMI_ROOT_SNAPSHOT_GIB, MAX_ROOT_VOLUME_GIB } from "./server-disk";
import { kubernetesRuntimeSchema, RUNTIMES } from "./kubernetes";

/** Lowercase slug used for team, service and environment names. */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]*$/;
/** A GitHub login: alphanumerics and single inner dashes, at most 39 characters. */
export const GITHUB_LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** A GitHub team slug written `org/team-slug`. */
export const GITHUB_TEAM_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[a-z0-9][a-z0-9_-]*$/;

const slug = z
  .string()
  .max(39)
  .regex(SLUG_PATTERN, { message: `must match ${SLUG_PATTERN.source}` });

/** A person or team who reviews or owns code: `login` or `org/team-slug`. */
const principal = z.string().refine((v) => GITHUB_LOGIN_PATTERN.test(v) || GITHUB_TEAM_PATTERN.test(v), {
  message: "must be a GitHub login (letters, digits, single dashes) or a team written org/team-slug",
});

const principals = z.array(principal).max(100);
/**
 * A server's root volume, GiB: at least the Amazon Linux 2023 AMI's 8 GiB snapshot (EC2 refuses a
 * smaller root volume), at most gp3's 16 TiB.
 */
const rootVolumeGiB = z
  .number()
  .int()
  .min(AMI_ROOT_SNAPSHOT_GIB, {
    message: `must be at least ${AMI_ROOT_SNAPSHOT_GIB}: EC2 refuses a root volume smaller than the AMI's snapshot (${AMI_ROOT_SNAPSHOT_GIB} GiB for Amazon Linux 2023)`,
  })
  .max(MAX_ROOT_VOLUME_GIB, { message: `must be at most ${MAX_ROOT_VOLUME_GIB} (gp3's largest volume)` })
  .optional();

export const BRANCH_MODELS = ["trunk", "staging-branch", "pre-production"] as const;
export type BranchModel = (typeof BRANCH_MODELS)[number];

export const ENVIRONMENT_ROLES = ["integration", "staging", "production"] as const;
export type EnvironmentRole = (typeof ENVIRONMENT_ROLES)[number];

export const LANGUAGES = ["node", "python", "go", "generic"] as const;
export type Language = (typeof LANGUAGES)[number];

export const GITHUB_PLANS = ["free", "pro", "team", "enterprise"] as const;
export type GithubPlan = (typeof GITHUB_PLANS)[number];

const shellCommand = z.string().min(1).max(500);

/** An environment variable name a service's configuration may set (the agent sets SENTRY_*). */
export const CONFIG_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Set by the deploy agent from the deploy itself; configuration cannot override them. */
export const RESERVED_CONFIG_KEYS = ["SENTRY_RELEASE", "SENTRY_ENVIRONMENT"] as const;

const configKey = z
  .string()
  .max(128)
  .regex(CONFIG_KEY_PATTERN, {
    message: `must be an environment variable name (${CONFIG_KEY_PATTERN.source})`,
  })
  .refine((k) => !(RESERVED_CONFIG_KEYS as readonly string[]).includes(k), {
    message: `is set by the deploy agent (${RESERVED_CONFIG_KEYS.join(", ")})`,
  });
/** One line, within an SSM Standard parameter (4 KB); the agent hands it to docker as `KEY=value`. */
const configValue = z
  .string()
  .max(4096)
  .regex(/^[^\n\r\t]*$/, { message: "must be one line without tabs (an environment variable value)" });

const serviceSchema = z.strictObject({
  /** Repository and image name. */
  name: slug,
  /** One line shown on the repository. @default "" */
  description: z.string().max(350).default(""),
  /** @default "private" */
  visibility: z.enum(["private", "internal", "public"]).default("private"),
  /** Port the container listens on and the server exposes. @default 8080 */
  port: z.number().int().min(1).max(65535).default(8080),
  /** Path the deploy agent and smoke tests probe. @default "/healthz" */
  healthCheckPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, { message: "must be an absolute URL path such as /healthz" })
    .default("/healthz"),
  /** Dockerfile path in the service repository. @default "Dockerfile" */
  dockerfile: z
    .string()
    .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/, {
      message: "must be a relative path inside the repository (letters, digits, . _ / -, no ..)",
    })
    .default("Dockerfile"),
  /** Preset for lint and test commands. @default "node" */
  language: z.enum(LANGUAGES).default("node"),
  /** Lint and test commands; required for `generic`, overrides the preset otherwise. */
  commands: z
    .strictObject({
      lint: shellCommand.optional(),
      test: shellCommand.optional(),
    })
    .optional(),
  /** Owners of this service besides the maintainers (CODEOWNERS). @default [] */
  owners: principals.default([]),
  /** Line coverage the test job requires, in percent. @default team coverageThreshold */
  coverageThreshold: z.number().min(0).max(100).optional(),
  /**
   * Names this service had before, oldest first. The GitHub repository is renamed in place
   * (Pulumi aliases); AWS names that can never change (the ECR repository, release parameters)
   * keep the first name, so a rename loses no image and no release. @default []
   */
  formerNames: z.array(slug).max(20).default([]),
  /**
   * Run once in a pull request's preview container after its first deploy (`sh -c`), to load
   * production-like test data. @default none - previews start empty
   */
  seedCommand: shellCommand.optional(),
  /**
   * Memory one container of this service needs, MiB: previews run with this limit, and the spec
   * refuses more previews than their server can hold. @default 256
   */
  memoryMb: z.number().int().min(32).max(32768).optional(),
  /**
   * Reached from outside: the server's proxy routes HTTP(S) to it and health-checks each release
   * on `healthCheckPath` before switching. `false` makes it a worker: no route, no ingress; a new
   * release must keep running for a few seconds before the old one stops. @default true
   */
  public: z.boolean().default(true),
  /**
   * Non-secret configuration per environment, given to the container as environment variables:
   * `{ staging: { LOG_LEVEL: debug } }`. Secrets go in the environment stack's secret config
   * `serviceSecrets` instead. @default {} - no configuration
   */
  env: z.record(slug, z.record(configKey, configValue)).default({}),
  /** Topics shown on the repository. @default [] */
  topics: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, { message: "must be a GitHub topic (a-z, 0-9, -)" }))
    .max(20)
    .default([]),
});

const environmentSchema = z.strictObject({
  /** GitHub environment and stack name. */
  name: slug,
  /** What the environment is for; the branch model maps roles to triggers. */
  role: z.enum(ENVIRONMENT_ROLES),
  /** EC2 instance type. @default "t4g.small" for production, "t4g.micro" elsewhere */
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type such as t4g.micro" })
    .optional(),
  /**
   * Root volume of the environment's server, GiB (gp3, encrypted). At least 8: EC2 refuses a root
   * volume smaller than the AMI's snapshot, 8 GiB for Amazon Linux 2023. A larger value grows the
   * volume in place; a smaller one than the server has is kept at what it has (EC2 cannot shrink
   * a volume).
   * @default sized from the services (server-disk.ts): 8 for a few services, more for many
   */
  rootVolumeGiB,
  /** Who approves a deployment. @default the maintainers for production, nobody elsewhere */
  requiredReviewers: z
    .array(principal)
    .max(6, { message: "must name at most 6 reviewers (GitHub's limit per environment)" })
    .optional(),
  /** Minutes a deployment waits before it starts. @default 0 */
  waitTimerMinutes: z.number().int().min(0).max(43200).default(0),
  /** Approvals a pull request into the branch that feeds this environment needs. @default people.requiredApprovals */
  requiredApprovals: z.number().int().min(0).max(10).optional(),
  /** Give the server an Elastic IP so its address survives a stop. @default false */
  stableAddress: z.boolean().default(false),
  /**
   * DNS name of the environment: each public service is served at `https://<service>.<domain>`
   * with a Let's Encrypt certificate (point `*.<domain>` at the server's address).
   * @default none - plain HTTP on the server's address, each service under `/<service>/`
   */
  domain: z
    .string()
    .max(200)
    .regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
      message: "must be a lowercase DNS name such as staging.example.com",
    })
    .optional(),
  /** An existing VPC for the server. @default the region's default VPC */
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/, { message: "must be a VPC id such as vpc-0123456789abcdef0" })
    .optional(),
  /**
   * Public subnets the server may launch in (one whose zone offers the instance type is chosen).
   * @default the default subnets of `vpcId` or the default VPC
   */
  subnetIds: z
    .array(
      z.string().regex(/^subnet-[0-9a-f]{8,17}$/, {
        message: "must be a subnet id such as subnet-0123456789abcdef0",
      }),
    )
    .min(1)
    .max(16)
    .optional(),
  /** Where the services run: one server, or an existing Kubernetes cluster. @default "server" */
  runtime: z.enum(RUNTIMES).default("server"),
  /** The cluster and per-service settings; required when runtime is kubernetes. */
  kubernetes: kubernetesRuntimeSchema.optional(),
});

export const teamSpecSchema = z.strictObject({
  /**
   * Team slug; prefixes every resource name. SSM refuses document names that start with `aws`,
   * `amazon` or `amzn` (CreateDocument, "Name"), and the per-service deploy documents start with it.
   */
  name: slug.refine((v) => !/^(aws|amazon|amzn)/.test(v), {
    message: "must not start with aws, amazon or amzn (AWS reserves them for SSM document names)",
  }),
  github: z.strictObject({
    /** Organization (or user) that owns the repositories. */
    owner: z.string().regex(GITHUB_LOGIN_PATTERN, { message: "must be a GitHub organization or user login" }),
    /** The organization's GitHub plan: decides which protections GitHub can enforce. @default "team" */
    plan: z.enum(GITHUB_PLANS).default("team"),
  }),
  aws: z.strictObject({
    /** Region for every AWS resource. */
    region: z.enum(AWS_REGIONS, { message: "must be an AWS region such as eu-west-1" }),
    /**
     * ARN of the account's existing GitHub OIDC provider (there is one per account).
     * @default a provider is created by the shared stack
     */
    oidcProviderArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, {
        message: "must be the ARN of an IAM OIDC provider for token.actions.githubusercontent.com",
      })
      .optional(),
  }),
  people: z.strictObject({
    /** Own every repository, approve production, may create release tags. */
    maintainers: principals.min(1, { message: "must name at least one maintainer" }),
    /** Review pull requests. @default [] */
    reviewers: principals.default([]),
    /** Approvals every pull request into a protected branch needs. @default 1 */
    requiredApprovals: z.number().int().min(1).max(10).default(1),
  }),
  /** How code flows from commit to production. @default "trunk" */
  branchModel: z.enum(BRANCH_MODELS).default("trunk"),
  services: z.array(serviceSchema).min(1, { message: "must list at least one service" }).max(500),
  environments: z.array(environmentSchema).min(1, { message: "must list at least one environment" }).max(10),
  /** Line coverage the test job requires, in percent. @default 80 */
  coverageThreshold: z.number().min(0).max(100).default(80),
  registry: z
    .strictObject({
      /**
       * Images production ran (tagged `released-<version>` by the pipeline) kept, newest first.
       * @default 30
       */
      releaseImagesKept: z.number().int().min(1).max(1000).default(30),
      /**
       * Days an rc image production never ran is kept (from its first push); a released one is
       * kept by `releaseImagesKept` instead. @default 30
       */
      rcImageDays: z.number().int().min(1).max(3650).default(30),
      /** Days a build image (sha-…) is kept. @default 14 */
      buildImageDays: z.number().int().min(1).max(3650).default(14),
      /** Days an untagged image is kept. @default 1 */
      untaggedImageDays: z.number().int().min(1).max(3650).default(1),
      /** KMS key for image encryption. @default AES256 (AWS-managed) */
      kmsKeyArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/, {
          message: "must be a KMS key ARN",
        })
        .optional(),
      /** Let `pulumi destroy` delete a registry that still holds images. @default false */
      forceDelete: z.boolean().default(false),
    })
    .prefault({}),
  release: z
    .strictObject({
      /**
       * Extra teams (org/team-slug) allowed to create release tags and bypass nothing else.
       * @default maintainers and the release workflow only
       */
      tagCreators: z
        .array(z.string().regex(GITHUB_TEAM_PATTERN, { message: "must be a team written org/team-slug" }))
        .default([]),
      /** Build and push a placeholder image on first `up` so servers are healthy before the first release. @default true */
      bootstrapImage: z.boolean().default(true),
    })
    .prefault({}),
  /** Pull-request previews (cross-field rules in previews.ts). */
  previews: z
    .strictObject({
      /** Every pull request from a branch of the repository gets a running preview. @default true */
      enabled: z.boolean().default(true),
      /**
       * The environment that hosts previews: its server, or, on a Kubernetes environment with
       * `kubernetes.previews: true`, its cluster's `<team>-previews` namespace.
       * @default the integration-role environment (else staging's)
       */
      environment: slug.optional(),
      /**
       * Previews answer at `pr-<n>.<service>.<domain>` over HTTPS; point `*.<service>.<domain>` at
       * the server. On Kubernetes they answer at `pr-<n>-<service>.<domain>` through the cluster's
       * ingress controller. @default none - previews answer at http://<server>/previews/<service>/pr-<n>/
       * (on Kubernetes: under the hosting environment's domain)
       */
      domain: z
        .string()
        .max(200)
        .regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
          message: "must be a lowercase DNS name such as previews.example.com",
        })
        .optional(),
      /** Days after its last deploy a preview is removed by the scheduled sweep. @default 3 */
      ttlDays: z.number().int().min(1).max(90).default(3),
      /** Previews of one service that may run at once; the next pull request is told the limit is reached. @default 5 */
      maxPerService: z.number().int().min(1).max(50).default(5),
      /**
       * Give previews their own server of this type instead of sharing the environment's.
       * @default previews share the environment's server, sized to hold them
       */
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type such as t4g.small" })
        .optional(),
      /**
       * Root volume of previews' own server (with `instanceType`), GiB; at least 8 (the AMI's
       * snapshot). Previews on an environment's server use that environment's `rootVolumeGiB`.
       * @default sized from the services and maxPerService (server-disk.ts)
       */
      rootVolumeGiB,
    })
    .prefault({}),
  quality: z
    .strictObject({
      /**
       * SonarQube or SonarCloud analysis on every pull request, its quality gate a required check
       * (`sonar`). The token is the shared stack's secret `sonarToken` (an Actions secret
       * SONAR_TOKEN per repository). @default off
       */
      sonar: z
        .strictObject({
          /** The server: `https://sonarcloud.io` or your SonarQube's URL. */
          hostUrl: z.url({ protocol: /^https$/, message: "must be an https URL" }),
          /** SonarCloud organization key (SonarCloud only). */
          organization: z
            .string()
            .regex(/^[a-z0-9][a-z0-9_-]*$/, { message: "must be a SonarCloud organization key" })
            .optional(),
          /** Project key of a service: `<prefix><service>`. @default "<team>-" */
          projectKeyPrefix: z
            .string()
            .regex(/^[A-Za-z0-9_.:-]*$/, { message: "must be letters, digits, - _ . :" })
            .max(100)
            .optional(),
        })
        .optional(),
    })
    .prefault({}),
  notifications: z
    .strictObject({
      /** Post deploy results to Slack; the webhook URL is the stack secret `slackWebhookUrl`. @default off */
      slack: z
        .strictObject({
          channel: z.string().regex(/^#?[a-z0-9._-]{1,80}$/, { message: "must be a Slack channel name" }),
        })
        .optional(),
      /** Mark releases and deploys in Sentry; the token is the stack secret `sentryAuthToken`. @default off */
      sentry: z
        .strictObject({
          org: slug,
          project: slug,
          url: z.url({ protocol: /^https$/, message: "must be an https URL" }).default("https://sentry.io"),
        })
        .optional(),
    })
    .prefault({}),
});

/** The spec as written (defaults optional). */
export type TeamSpecInput = z.input<typeof teamSpecSchema>;
/** The spec after defaults: what every other module reads. */
export type TeamSpec = z.output<typeof teamSpecSchema>;
export type ServiceSpec = TeamSpec["services"][number];
export type EnvironmentSpec = TeamSpec["environments"][number];
