import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { NOTHING_RELEASED, releaseParameterName } from "./names";

export interface ReleaseParameterArgs {
  readonly team: string;
  readonly environment: string;
  /**
   * The service's stable key (its first name, `stableServiceKey`): an SSM parameter cannot be
   * renamed, and replacing it would forget what the environment runs.
   */
  readonly service: string;
  /**
   * The image reference (by digest) the parameter starts at. Only used on create: afterwards the
   * pipeline owns the value.
   * @default "none:nothing-released-yet" - the deploy agent runs nothing until the first release
   */
  readonly initialImage?: pulumi.Input<string>;
  /**
   * Adopt the parameter that exists already (retained by an earlier `pulumi destroy` of the
   * environment stack) instead of creating it: Pulumi's `import` option with the parameter's name
   * as its ID. Its value is kept: `ignoreChanges` takes it from what the import read.
   * @default false - the parameter is created (and an existing one fails the `up` with
   * ParameterAlreadyExists)
   */
  readonly adopt?: boolean;
}

/**
 * The SSM parameter that says which image (by digest) a service runs in an environment. Pulumi
 * creates it; CI writes it on every deploy, so Pulumi ignores changes to its value. It is the
 * environment's release history, so it is retained when the stack is destroyed.
 */
export class ReleaseParameter extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: ReleaseParameterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:ReleaseParameter", name, {}, opts);
    this.name = releaseParameterName(args.team, args.environment, args.service);
    const parameter = new aws.ssm.Parameter(
      `${name}-parameter`,
      {
        name: this.name,
        type: "String",
        // An image reference is not sensitive: `insecureValue` keeps it readable in plans and
        // state (`value` is always stored as a secret).
        insecureValue: args.initialImage ?? NOTHING_RELEASED,
        description: `Image (by digest) that ${args.service} runs in ${args.environment}; written by the deploy workflow`,
        tags: { service: args.service, environment: args.environment },
      },
      {
        parent: this,
        // Also what makes an adoption keep the release: on import the engine copies each ignored
        // input from what the provider read and drops one it did not read (pulumi
        // sdk/go/common/resource/property_path.go `Reset`); terraform-provider-aws reads an
        // imported parameter's value into `value`, never `insecureValue` (ssm/parameter.go
        // resourceParameterRead). So the import finds no difference and writes nothing.
        ignoreChanges: ["value", "insecureValue"],
        retainOnDelete: true,
        // The provider's id is the name (ssm/parameter.go: `d.SetId(name)`; Read calls
        // GetParameter with Name = id).
        import: args.adopt ? this.name : undefined,
      },
    );
    this.arn = parameter.arn;
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
