/**
 * What every CI role of one service repository is given in an environment stack (deploy, preview
 * and cluster-preview roles): the team, the service's stable key, its repository on GitHub (the
 * only one the OIDC trust names), the shared stack's OIDC provider, the region and its registry.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./config";
import {
  repositoryName,
  type ProviderScope,
  type RepositoryRoleArgs,
  type SharedAwsOutputs,
} from "../components/aws";
import { stableServiceKey, type ServiceSpec } from "../components/team";

export function repositoryRoleArgs(
  ctx: StackContext,
  service: ServiceSpec,
  sharedAws: pulumi.Output<SharedAwsOutputs>,
  scope: pulumi.Input<ProviderScope>,
): RepositoryRoleArgs {
  const key = stableServiceKey(service);
  return {
    team: ctx.spec.name,
    service: key,
    repository: { owner: ctx.spec.github.owner, name: service.name },
    oidcProviderArn: sharedAws.apply((a) => a.oidcProviderArn),
    region: ctx.spec.aws.region,
    registry: repositoryName(ctx.spec.name, key),
    scope,
  };
}
