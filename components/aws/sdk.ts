/**
 * The parts of `@pulumi/aws` this program uses, loaded without the package's root index: that
 * index loads every service namespace (about 300 modules, 0.16-0.19 s of a 1.6 s offline plan of
 * the whole reference team), where these take 0.02 s. The classes and functions are the
 * package's own (`@pulumi/aws/iam` is what `aws.iam` re-exports), so nothing changes but what
 * is loaded. Import `* as aws from "./sdk"` instead of `"@pulumi/aws"`; add a namespace here
 * when a component needs one.
 *
 * The root index also registers the `aws` provider package, which the SDK needs only to rebuild a
 * provider from a resource reference the engine sends back (a multi-language component's outputs);
 * this program receives none.
 */
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ebs from "@pulumi/aws/ebs";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecr from "@pulumi/aws/ecr";
export * as eks from "@pulumi/aws/eks";
export * as iam from "@pulumi/aws/iam";
export * as ssm from "@pulumi/aws/ssm";
export { Provider, type ProviderArgs } from "@pulumi/aws/provider";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
