/**
 * The `preview` GitHub environment of one service repository: what pull-request preview jobs name
 * so that their OIDC subject is `repo:OWNER/REPO:environment:preview`, the one subject the
 * repository's preview role trusts, plus the variables those jobs read.
 *
 * Deployment branches: none set (any ref may use it), on purpose.
 * - A `pull_request` run's ref is `refs/pull/<n>/merge`. Custom deployment policies match branch
 *   and tag names only, and reports disagree on which name GitHub checks for a pull request run
 *   (the head branch, or the merge ref that "only allows deployments from real branch refs"):
 *   either way a policy would need to admit every branch name to admit every pull request, which
 *   fences nothing. "Protected branches only" would refuse every pull request.
 * - What keeps this safe is elsewhere: the environment holds no credential (only the role ARN, the
 *   document name and instance ids, none secret; optionally the Slack webhook), and the role it
 *   unlocks can only run this service's preview document with this service's images: it cannot
 *   touch a release, another service or any environment's deploy. With previews on a kubeconfig
 *   cluster it also holds the preview deployer's token (KUBE_TOKEN), which reaches only the
 *   previews namespace's Deployments, Services, Ingresses and ConfigMaps, never a Secret. Pull requests from forks get no
 *   OIDC token and no secrets from GitHub (keep the repository setting "Send write tokens to
 *   workflows from pull requests" off for forks), and the generated workflow skips them anyway.
 * https://docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments/manage-environments
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_SECRETS, PREVIEW_ENVIRONMENT, PREVIEW_VARIABLES } from "../release";

/** The environment's settings as data (no reviewers, no wait, no branch policy: see the module comment). */
export function previewEnvironmentSettings(): {
  readonly environment: string;
  readonly waitTimer: number;
  readonly canAdminsBypass: boolean;
  readonly preventSelfReview: boolean;
} {
  return { environment: PREVIEW_ENVIRONMENT, waitTimer: 0, canAdminsBypass: true, preventSelfReview: false };
}

export interface PreviewEnvironmentArgs {
  /** The service repository's current name. */
  readonly repository: string;
  /** Names the repository had before: children are aliased so a rename updates in place. @default [] */
  readonly formerNames?: readonly string[];
  /** The repository's preview role (identity: PreviewRole). */
  readonly roleArn: pulumi.Input<string>;
  /**
   * The service's preview document name (aws: PreviewDocument), when previews run on a server.
   * @default none - previews run on Kubernetes (`variables` say how to reach the cluster)
   */
  readonly documentName?: pulumi.Input<string>;
  /** Instance ids of the servers that host previews. @default none - previews run on Kubernetes */
  readonly instanceIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * More variables, by name (previews on Kubernetes: the previews namespace, API server, CA and
   * EKS cluster name, ENVIRONMENT_VARIABLES' kubernetes names). An undefined value is not created.
   * @default none
   */
  readonly variables?: Readonly<Record<string, pulumi.Input<string> | undefined>>;
  /**
   * More secrets, by name (previews on a kubeconfig cluster: the preview deployer's token as
   * KUBE_TOKEN). An undefined value is not created. @default none
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string> | undefined>>;
  /** Slack incoming webhook for the preview messages (secret). @default no Slack message */
  readonly slackWebhookUrl?: pulumi.Input<string>;
}

const kebab = (name: string) => name.toLowerCase().replace(/_/g, "-");

/** `delivery:github:PreviewEnvironment`: the `preview` environment of one repository. */
export class PreviewEnvironment extends pulumi.ComponentResource {
  public readonly environment: github.RepositoryEnvironment;

  constructor(name: string, args: PreviewEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:github:PreviewEnvironment", name, {}, opts);
    const child = (suffix: string): pulumi.CustomResourceOptions => ({
      parent: this,
      aliases: (args.formerNames ?? []).map((former) => ({
        name: `${name.replace(args.repository, former)}-${suffix}`,
      })),
      deleteBeforeReplace: true,
    });
    const settings = previewEnvironmentSettings();
    // No deploymentBranchPolicy: GitHub's default admits every ref (see the module comment).
    this.environment = new github.RepositoryEnvironment(
      `${name}-env`,
      {
        repository: args.repository,
        environment: settings.environment,
        waitTimer: settings.waitTimer,
        canAdminsBypass: settings.canAdminsBypass,
        preventSelfReview: settings.preventSelfReview,
      },
      child("env"),
    );
    const variables: [string, pulumi.Input<string>][] = [
      [PREVIEW_VARIABLES.roleArn, args.roleArn],
      ...(args.documentName !== undefined
        ? [[PREVIEW_VARIABLES.document, args.documentName] as [string, pulumi.Input<string>]]
        : []),
      ...(args.instanceIds !== undefined
        ? [
            [
              PREVIEW_VARIABLES.instanceIds,
              pulumi.output(args.instanceIds).apply((ids) => ids.join(" ")),
            ] as [string, pulumi.Input<string>],
          ]
        : []),
      ...Object.entries(args.variables ?? {}).filter(
        (e): e is [string, pulumi.Input<string>] => e[1] !== undefined,
      ),
    ];
    for (const [variableName, value] of variables) {
      new github.ActionsEnvironmentVariable(
        `${name}-var-${kebab(variableName)}`,
        { repository: args.repository, environment: this.environment.environment, variableName, value },
        child(`var-${kebab(variableName)}`),
      );
    }
    const secrets: [string, pulumi.Input<string>][] = [
      ...(args.slackWebhookUrl !== undefined
        ? [[ENVIRONMENT_SECRETS.slackWebhookUrl, args.slackWebhookUrl] as [string, pulumi.Input<string>]]
        : []),
      ...Object.entries(args.secrets ?? {}).filter(
        (e): e is [string, pulumi.Input<string>] => e[1] !== undefined,
      ),
    ];
    for (const [secretName, value] of secrets) {
      new github.ActionsEnvironmentSecret(
        `${name}-secret-${kebab(secretName)}`,
        {
          repository: args.repository,
          environment: this.environment.environment,
          secretName,
          value: pulumi.secret(value),
        },
        child(`secret-${kebab(secretName)}`),
      );
    }
    this.registerOutputs({ environment: this.environment.environment });
  }
}
