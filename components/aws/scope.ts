import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";

/** Partition and account, as an AWS provider reports them. */
export interface ProviderScope {
  readonly partition: string;
  readonly accountId: string;
}

/** Partition and account as the component's (inherited) AWS provider reports them. */
export function providerScope(parent: pulumi.Resource): pulumi.Output<ProviderScope> {
  return invokeScope({ parent });
}

/**
 * Partition and account as the provider in `opts` reports them: a stack that creates one role
 * per service looks them up once and hands the result to every role, instead of two invokes per
 * role (a 60-service team would otherwise make 120 more calls to plan).
 */
export function invokeScope(opts: pulumi.InvokeOptions): pulumi.Output<ProviderScope> {
  const partition = aws.getPartitionOutput({}, opts);
  const identity = aws.getCallerIdentityOutput({}, opts);
  return pulumi
    .all([partition.partition, identity.accountId])
    .apply(([p, a]) => ({ partition: p, accountId: a }));
}
