/**
 * The SSM Command document `<team>-<env>-<service>-preview`: the one thing a repository's preview
 * role may run on the servers that host previews. It carries the preview agent
 * (preview-agent.sh), the service's settings and the non-secret configuration previews get, so it
 * needs nothing from the server's user-data but Docker, kamal-proxy and the ECR credential helper.
 *
 * Parameters (`action`, `pr`, `image`) reach the script as environment variables
 * (`interpolationType: ENV_VAR`, SSM agent 3.3.2746.0+), never as text inside it, and SSM itself
 * refuses values outside their `allowedValues`/`allowedPattern` before anything runs; the pattern
 * of `image` admits only the service's own repository, by digest. The script checks again.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_DOCUMENT_PARAMETERS } from "../release";
import { DEFAULT_SERVICE_MEMORY_MB, resolvePreviews, type ServiceSpec, type TeamSpec } from "../team";
import { DOCKER_CONFIG_DIR } from "./deploy-agent";
import { previewDocumentName } from "./names";
import { PREVIEW_STATE_DIR, previewAgentScript, previewEnvFile, previewSettingsFile } from "./preview-agent";

export const PREVIEW_ACTIONS = ["deploy", "remove", "sweep"] as const;

/** SSM's limit on a document's content, bytes (CreateDocument; it counts parameters sent at run time too). */
export const SSM_DOCUMENT_MAX_BYTES = 64 * 1024;
/** Room left for the parameters a run sends (a digest reference is under 300 bytes). */
const PARAMETER_ALLOWANCE = 1024;

/** Where the document writes the agent and its settings on the server (tmpfs, root only). */
export const PREVIEW_RUN_DIR = "/run/delivery-preview";

export interface PreviewDocumentContentArgs {
  readonly team: string;
  readonly environment: string;
  readonly service: string;
  /** The service's image repository URL: the only images the document runs. */
  readonly registryUrl: string;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly maxPerService: number;
  readonly ttlDays: number;
  readonly memoryMb: number;
  /** `http://<server address>`: the base of preview addresses without a domain. */
  readonly publicBaseUrl: string;
  readonly domain?: string;
  readonly seedCommand?: string;
  /** Non-secret configuration of the hosting environment. Never a secret: the document is readable. */
  readonly config?: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly logGroup?: string;
  readonly dockerConfigDir?: string;
  readonly proxySocket?: string;
  /** Seconds a run may take. @default 900 */
  readonly timeoutSeconds?: number;
  /** Where the script and settings are written. @default PREVIEW_RUN_DIR (tests use their own) */
  readonly runDir?: string;
  /** The agent's state. @default PREVIEW_STATE_DIR (tests use their own) */
  readonly stateDir?: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** The document (schema 2.2) as data. Throws when it would exceed SSM's 64 KB. */
export function previewDocumentContent(a: PreviewDocumentContentArgs): Record<string, unknown> {
  const dir = `${a.runDir ?? PREVIEW_RUN_DIR}/${a.service}`;
  const envFile = previewEnvFile(a.config ?? {});
  const settings = previewSettingsFile({
    service: a.service,
    registry: a.registryUrl,
    containerPort: a.containerPort,
    healthCheckPath: a.healthCheckPath,
    maxPreviews: a.maxPerService,
    ttlDays: a.ttlDays,
    memoryMb: a.memoryMb,
    publicBaseUrl: a.publicBaseUrl,
    domain: a.domain,
    containerEnvFile: envFile ? `${dir}/container.env` : undefined,
    seedCommand: a.seedCommand,
    region: a.region,
    logGroup: a.logGroup,
    dockerConfigDir: a.dockerConfigDir ?? DOCKER_CONFIG_DIR,
    proxySocket: a.proxySocket,
  });
  const p = PREVIEW_DOCUMENT_PARAMETERS;
  const runCommand = [
    "#!/bin/bash",
    `# Preview agent for ${a.service} on ${a.environment} (components/aws/preview-agent.sh, base64).`,
    "set -euo pipefail",
    "umask 077",
    // Agents older than 3.3.2746.0 do not set SSM_<name>; the patterns below keep the fallback safe.
    ...Object.values(p).map((name) => `if [ -z "\${SSM_${name}+x}" ]; then SSM_${name}="{{ ${name} }}"; fi`),
    `dir=${dir}`,
    'mkdir -p "$dir"',
    `echo '${b64(previewAgentScript())}' | base64 -d >"$dir/preview-agent"`,
    `echo '${b64(settings)}' | base64 -d >"$dir/settings.env"`,
    ...(envFile ? [`echo '${b64(envFile)}' | base64 -d >"$dir/container.env"`] : []),
    `export PREVIEW_SETTINGS="$dir/settings.env" PREVIEW_STATE_DIR=${a.stateDir ?? PREVIEW_STATE_DIR}`,
    `case "$SSM_${p.action}" in`,
    `  deploy) bash "$dir/preview-agent" deploy "$SSM_${p.pr}" "$SSM_${p.image}" ;;`,
    `  remove) bash "$dir/preview-agent" remove "$SSM_${p.pr}" ;;`,
    '  sweep) bash "$dir/preview-agent" sweep ;;',
    `  *) echo "unknown action: $SSM_${p.action}" >&2; exit 2 ;;`,
    "esac",
  ];
  const document = {
    schemaVersion: "2.2",
    description: `Deploy, remove or sweep pull-request previews of ${a.service} on ${a.environment} (team ${a.team}; generated by delivery-workflow)`,
    parameters: {
      [p.action]: {
        type: "String",
        description: "deploy | remove | sweep",
        allowedValues: [...PREVIEW_ACTIONS],
        interpolationType: "ENV_VAR",
      },
      [p.pr]: {
        type: "String",
        description: "Pull request number (empty for sweep)",
        default: "",
        allowedPattern: "^([1-9][0-9]{0,8})?$",
        interpolationType: "ENV_VAR",
      },
      [p.image]: {
        type: "String",
        description: `${a.registryUrl}@sha256:<digest> (deploy only)`,
        default: "",
        allowedPattern: `^(${escapeRegex(a.registryUrl)}@sha256:[0-9a-f]{64})?$`,
        interpolationType: "ENV_VAR",
      },
    },
    mainSteps: [
      {
        action: "aws:runShellScript",
        name: "preview",
        precondition: { StringEquals: ["platformType", "Linux"] },
        inputs: { timeoutSeconds: String(a.timeoutSeconds ?? 900), runCommand },
      },
    ],
  };
  const size = Buffer.byteLength(JSON.stringify(document), "utf8");
  if (size + PARAMETER_ALLOWANCE > SSM_DOCUMENT_MAX_BYTES) {
    throw new Error(
      `preview document of ${a.service}: ${size} bytes, over SSM's ${SSM_DOCUMENT_MAX_BYTES}-byte limit with room for its parameters (shorten the seed command or the configuration)`,
    );
  }
  return document;
}

/**
 * What the spec decides about one service's previews, as PreviewDocument args: the stack adds the
 * names and the values only it knows (registry URL, server address, log group, proxy socket,
 * the environment's non-secret configuration). Undefined when the team has previews off.
 */
export function previewDocumentSettings(
  spec: TeamSpec,
  service: ServiceSpec,
):
  | Pick<
      PreviewDocumentArgs,
      | "environment"
      | "containerPort"
      | "healthCheckPath"
      | "maxPerService"
      | "ttlDays"
      | "memoryMb"
      | "domain"
      | "seedCommand"
    >
  | undefined {
  const plan = resolvePreviews(spec);
  if (!plan) return undefined;
  return {
    environment: plan.environment,
    containerPort: service.port,
    healthCheckPath: service.healthCheckPath,
    maxPerService: plan.maxPerService,
    ttlDays: plan.ttlDays,
    memoryMb: service.memoryMb ?? DEFAULT_SERVICE_MEMORY_MB,
    domain: plan.domain,
    seedCommand: service.seedCommand,
  };
}

export interface PreviewDocumentArgs {
  readonly team: string;
  /** The environment whose servers host previews. */
  readonly environment: string;
  readonly service: string;
  /** The document's name. @default previewDocumentName(team, environment, service) (names.ts) */
  readonly documentName?: string;
  /** The service's image repository URL (the shared stack's registry output). */
  readonly registryUrl: pulumi.Input<string>;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Path kamal-proxy probes before a preview takes traffic. */
  readonly healthCheckPath: string;
  /** Previews of this service at once. @default 5 */
  readonly maxPerService?: number;
  /** Days an idle preview lives. @default 3 */
  readonly ttlDays?: number;
  /** Memory limit of each preview container, MiB. @default 256 */
  readonly memoryMb?: number;
  /** `http://<server address>` of the server's proxy. */
  readonly publicBaseUrl: pulumi.Input<string>;
  /** Previews answer at `pr-<n>.<service>.<domain>` over HTTPS. @default path prefixes on publicBaseUrl */
  readonly domain?: string;
  /** Run once in a preview after its first deploy. @default none */
  readonly seedCommand?: string;
  /** Non-secret configuration previews get (plus PREVIEW=true). @default none */
  readonly config?: Readonly<Record<string, string>>;
  readonly region?: string;
  /** CloudWatch log group of the previews' containers. @default docker's local logs */
  readonly logGroup?: pulumi.Input<string>;
  /** kamal-proxy's control socket on the server. @default kamal-proxy's default */
  readonly proxySocket?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** `delivery:aws:PreviewDocument`: the SSM Command document that runs one service's previews. */
export class PreviewDocument extends pulumi.ComponentResource {
  public readonly document: aws.ssm.Document;
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: PreviewDocumentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:PreviewDocument", name, {}, opts);
    const content = pulumi
      .all([args.registryUrl, args.publicBaseUrl, args.logGroup])
      .apply(([registryUrl, publicBaseUrl, logGroup]) =>
        JSON.stringify(
          previewDocumentContent({
            team: args.team,
            environment: args.environment,
            service: args.service,
            registryUrl,
            containerPort: args.containerPort,
            healthCheckPath: args.healthCheckPath,
            maxPerService: args.maxPerService ?? 5,
            ttlDays: args.ttlDays ?? 3,
            memoryMb: args.memoryMb ?? DEFAULT_SERVICE_MEMORY_MB,
            publicBaseUrl,
            domain: args.domain,
            seedCommand: args.seedCommand,
            config: args.config,
            region: args.region,
            logGroup,
            proxySocket: args.proxySocket,
          }),
          null,
          2,
        ),
      );
    this.document = new aws.ssm.Document(
      `${name}-document`,
      {
        name: args.documentName ?? previewDocumentName(args.team, args.environment, args.service),
        documentType: "Command",
        documentFormat: "JSON",
        targetType: "/AWS::EC2::Instance",
        content,
        tags: { team: args.team, environment: args.environment, service: args.service, ...args.tags },
      },
      { parent: this },
    );
    this.name = this.document.name;
    this.arn = this.document.arn;
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
