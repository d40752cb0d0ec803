import * as aws from "./sdk";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import {
  BOOTSTRAP_CONTEXT,
  BOOTSTRAP_PLATFORM,
  bootstrapBuildArgs,
  bootstrapImageTag,
  type BootstrapService,
} from "./bootstrap";

export interface BootstrapImageArgs {
  /** The service the placeholder stands in for (name, port, health path). */
  readonly service: BootstrapService;
  /** The service's ECR repository URL. */
  readonly repositoryUrl: pulumi.Input<string>;
  /** Registry (account) id of the repository, for the ECR login. */
  readonly registryId: pulumi.Input<string>;
}

/**
 * A tiny placeholder image per service (busybox httpd: the health path and a "not released yet"
 * page), built for linux/arm64 and pushed to the service's registry on the first `up`, so every
 * server is healthy before the first release. Needs a Docker engine where `pulumi up` runs
 * (the AWS provider for the ECR login and the Docker provider come from the parent).
 */
export class BootstrapImage extends pulumi.ComponentResource {
  /** `<repository>@sha256:…`: what release parameters start at. */
  public readonly imageReference: pulumi.Output<string>;

  constructor(name: string, args: BootstrapImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:BootstrapImage", name, {}, opts);
    const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: args.registryId }, { parent: this });
    // Relative to the project directory (Pulumi's working directory) so plans do not depend on
    // where the repository is checked out.
    const context = path.relative(process.cwd(), BOOTSTRAP_CONTEXT) || ".";
    const image = new docker.Image(
      `${name}-image`,
      {
        imageName: pulumi.interpolate`${args.repositoryUrl}:${bootstrapImageTag(args.service)}`,
        build: {
          context,
          dockerfile: path.join(context, "Dockerfile"),
          platform: BOOTSTRAP_PLATFORM,
          args: bootstrapBuildArgs(args.service),
        },
        registry: {
          server: auth.proxyEndpoint,
          username: auth.userName,
          password: pulumi.secret(auth.password),
        },
      },
      { parent: this },
    );
    this.imageReference = image.repoDigest;
    this.registerOutputs({ imageReference: this.imageReference });
  }
}
