import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";

/** SSM path of a service's configuration in an environment (no trailing slash). */
export function configPath(team: string, environment: string, service: string): string {
  return `/delivery/${team}/${environment}/${service}/config`;
}

export interface ServiceConfigArgs {
  readonly team: string;
  readonly environment: string;
  /** The service's stable key (its first name): parameter names cannot be renamed. */
  readonly service: string;
  /**
   * Non-secret settings (the spec's `services[i].env.<environment>`): String parameters.
   * @default {} - none
   */
  readonly values?: Readonly<Record<string, string>>;
  /**
   * Secrets (the environment stack's secret config `serviceSecrets.<service>`): SecureString
   * parameters under the account's `aws/ssm` key; the values stay Pulumi secrets.
   * @default {} - none
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * A service's configuration in one environment, as SSM parameters under {@link configPath}: the
 * deploy agent reads them (recursively, decrypted) into a root-only env file for the container.
 * Values never pass through user-data, the agent's output or the workflow; the plan shows secrets
 * as `[secret]`. A key set both as a value and as a secret is refused.
 */
export class ServiceConfig extends pulumi.ComponentResource {
  public readonly path: string;
  /** Parameter names, by key. */
  public readonly parameters: Record<string, string>;

  constructor(name: string, args: ServiceConfigArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:ServiceConfig", name, {}, opts);
    this.path = configPath(args.team, args.environment, args.service);
    const values = args.values ?? {};
    const secrets = args.secrets ?? {};
    const both = Object.keys(values).filter((k) => k in secrets);
    if (both.length > 0)
      throw new Error(
        `service ${args.service} in ${args.environment}: ${both.join(", ")} set both in the spec (services[].env) and as a secret (serviceSecrets); keep one`,
      );
    this.parameters = {};
    for (const [key, value] of Object.entries(values)) {
      this.parameters[key] = `${this.path}/${key}`;
      new aws.ssm.Parameter(
        `${name}-${key}`,
        {
          name: this.parameters[key],
          type: "String",
          insecureValue: value,
          description: `${key} of ${args.service} in ${args.environment} (team spec)`,
          tags: { service: args.service, environment: args.environment },
        },
        { parent: this },
      );
    }
    for (const [key, value] of Object.entries(secrets)) {
      this.parameters[key] = `${this.path}/${key}`;
      new aws.ssm.Parameter(
        `${name}-${key}`,
        {
          name: this.parameters[key],
          type: "SecureString",
          value: pulumi.secret(value),
          description: `${key} of ${args.service} in ${args.environment} (stack secret)`,
          tags: { service: args.service, environment: args.environment },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ path: this.path, parameters: this.parameters });
  }
}
