/**
 * The stack's settings for the program: Pulumi's config handed to the one pure resolver
 * (components/settings), secrets wrapped as Pulumi secrets. Every problem is reported at once,
 * each naming its config key; secret values are never echoed.
 */
import * as pulumi from "@pulumi/pulumi";
import { SpecError } from "../components/team";
import { resolveSettings, type StackSettings } from "../components/settings";

export type { StackRole } from "../components/settings";

/** Secret stack settings: plain text never leaves this module unwrapped. */
export interface StackSecrets {
  /** GitHub token for the explicit provider. @default the provider's own GITHUB_TOKEN lookup */
  readonly githubToken?: pulumi.Output<string>;
  /** GitHub App credentials, an alternative to a token. */
  readonly githubApp?: {
    readonly id: string;
    readonly installationId: string;
    readonly privateKey: pulumi.Output<string>;
  };
  readonly slackWebhookUrl?: pulumi.Output<string>;
  readonly sentryAuthToken?: pulumi.Output<string>;
  /**
   * Per service, its secret configuration in this environment (`serviceSecrets`, set with
   * `pulumi config set --secret --path 'serviceSecrets.<service>.<KEY>' <value>`).
   */
  readonly serviceSecrets: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;
  /** The kubeconfig of a Kubernetes environment (the stack secret its `kubernetes.kubeconfig` names). */
  readonly kubeconfig?: pulumi.Output<string>;
  /** SonarQube/SonarCloud token: the shared stack's repository secret SONAR_TOKEN. */
  readonly sonarToken?: pulumi.Output<string>;
}

export interface StackContext extends Omit<StackSettings, "secrets"> {
  readonly secrets: StackSecrets;
}

/** Loads the stack context from Pulumi config. Throws a {@link SpecError} listing every problem. */
export function loadStackContext(): StackContext {
  const result = resolveSettings({
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    organization: pulumi.getOrganization(),
    config: pulumi.runtime.allConfig(),
  });
  if (!result.ok) throw new SpecError(result.issues);
  const { secrets, ...settings } = result.settings;
  const secret = (v: string | undefined) => (v === undefined ? undefined : pulumi.secret(v));
  return {
    ...settings,
    secrets: {
      githubToken: secret(secrets.githubToken),
      githubApp: secrets.githubApp && {
        id: secrets.githubApp.id,
        installationId: secrets.githubApp.installationId,
        privateKey: pulumi.secret(secrets.githubApp.privateKey),
      },
      slackWebhookUrl: secret(secrets.slackWebhookUrl),
      sentryAuthToken: secret(secrets.sentryAuthToken),
      serviceSecrets: Object.fromEntries(
        Object.entries(secrets.serviceSecrets).map(([service, keys]) => [
          service,
          Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, pulumi.secret(v)])),
        ]),
      ),
      kubeconfig: secret(secrets.kubeconfig),
      sonarToken: secret(secrets.sonarToken),
    },
  };
}
