import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Partition and account as the component's (inherited) AWS provider reports them. */
export function providerScope(
  parent: pulumi.Resource,
): pulumi.Output<{ partition: string; accountId: string }> {
  const partition = aws.getPartitionOutput({}, { parent });
  const identity = aws.getCallerIdentityOutput({}, { parent });
  return pulumi
    .all([partition.partition, identity.accountId])
    .apply(([p, a]) => ({ partition: p, accountId: a }));
}
