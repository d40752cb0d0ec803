import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePolicy } from "../release";
import type { TeamSpec } from "../team";
import { repositoryPolicy } from "./iam-documents";
import { lifecyclePolicy } from "./lifecycle";
import { repositoryName } from "./names";
import { providerScope } from "./scope";

export interface ContainerRegistryArgs {
  /** Team slug: the repository is `<team>/<service>`. */
  readonly team: string;
  /**
   * The service's stable key (its first name, `stableServiceKey`): ECR names cannot change, so a
   * renamed service keeps its registry under the name it started with.
   */
  readonly service: string;
  /** The release policy: its tags drive the lifecycle rules. */
  readonly policy: ReleasePolicy;
  /**
   * Retention, encryption and deletion settings (`team.registry`).
   * @default the spec's defaults - 30 release images, rc 30 days, builds 14 days, untagged 1 day,
   * AES256, never force-deleted
   */
  readonly registry: TeamSpec["registry"];
  /**
   * Adopt the repository `<team>/<service>` that exists already (retained by an earlier
   * `pulumi destroy` of the shared stack) instead of creating it: Pulumi's `import` option with
   * the repository's name as its ID. @default false - the repository is created (and an existing
   * one of that name fails the `up` with RepositoryAlreadyExistsException)
   */
  readonly adopt?: boolean;
}

/**
 * One ECR repository per service: immutable tags, scan on push, encryption, a lifecycle policy
 * from the release policy and a repository policy that lets the team's servers pull. Holds the
 * team's images, so it is protected and retained on delete.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  public readonly repository: aws.ecr.Repository;
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly repositoryArn: pulumi.Output<string>;
  public readonly repositoryName: pulumi.Output<string>;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:ContainerRegistry", name, {}, opts);
    const kms = args.registry.kmsKeyArn;
    const repository = repositoryName(args.team, args.service);

    this.repository = new aws.ecr.Repository(
      `${name}-repository`,
      {
        name: repository,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [
          kms ? { encryptionType: "KMS", kmsKey: kms } : { encryptionType: "AES256" },
        ],
        forceDelete: args.registry.forceDelete,
        tags: { service: args.service },
      },
      // Images are history: `pulumi destroy` must not take them, and a removed service keeps them.
      // An adopted repository's import ID is its name: the provider's id (terraform-provider-aws
      // ecr/repository.go: `d.SetId(RepositoryName)`; Read calls DescribeRepositories with
      // RepositoryNames [id]).
      { parent: this, protect: true, retainOnDelete: true, import: args.adopt ? repository : undefined },
    );

    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        repository: this.repository.name,
        policy: JSON.stringify(lifecyclePolicy(args.policy, args.registry)),
      },
      { parent: this },
    );

    const scope = providerScope(this);
    new aws.ecr.RepositoryPolicy(
      `${name}-policy`,
      {
        repository: this.repository.name,
        policy: pulumi.jsonStringify(scope.apply((s) => repositoryPolicy({ ...s, team: args.team }))),
      },
      { parent: this },
    );

    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;
    this.repositoryName = this.repository.name;
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      repositoryName: this.repositoryName,
    });
  }
}
