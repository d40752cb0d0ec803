import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "../team";
import { ec2RecoverActionArn, serverRolePath } from "./arns";
import { ec2TrustPolicy, serverPermissions, ssmCorePolicyArn } from "./iam-documents";
import { serverLogGroupName } from "./names";
import { providerScope } from "./scope";
import { userData, type UserDataService } from "./user-data";

/** Amazon Linux 2023 for Graviton, resolved through AWS's public SSM parameter. */
export const AL2023_ARM64_AMI_PARAMETER =
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/** Default size: Graviton burstable, small for production, micro elsewhere. */
export function defaultInstanceType(env: Pick<EnvironmentSpec, "role" | "instanceType">): string {
  return env.instanceType ?? (env.role === "production" ? "t4g.small" : "t4g.micro");
}

export interface EnvironmentServerArgs {
  readonly team: string;
  /** The environment (name, role, instanceType, stableAddress). */
  readonly environment: EnvironmentSpec;
  readonly region: string;
  /** Services this server runs, with their release parameter names. */
  readonly services: readonly UserDataService[];
  /** ECR repository names the server pulls from. */
  readonly registries: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * EC2 instance type.
   * @default environment.instanceType, else t4g.small for production and t4g.micro elsewhere
   */
  readonly instanceType?: string;
  /**
   * Root volume size in GiB (gp3, encrypted).
   * @default 16 - the OS plus a few releases of each image
   */
  readonly rootVolumeGiB?: number;
  /**
   * Subnet to launch in (public, with a route to an internet gateway).
   * @default the first default subnet of the region's default VPC
   */
  readonly subnetId?: pulumi.Input<string>;
  /**
   * Days the server's logs are kept.
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * One EC2 server per environment running the team's services in Docker, deployed by the deploy
 * agent. No SSH: operators use SSM Session Manager. IMDSv2 only, encrypted gp3 root volume, a
 * security group that admits only the service ports, auto-recovery on system status failures,
 * and an Elastic IP only when the environment asks for a stable address.
 */
export class EnvironmentServer extends pulumi.ComponentResource {
  public readonly instance: aws.ec2.Instance;
  public readonly instanceId: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  /** Public IPv4 address (the Elastic IP when there is one). */
  public readonly publicIp: pulumi.Output<string>;
  public readonly logGroupName: string;
  /** Per service: `http://<address>:<port>`. */
  public readonly publicUrls: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: EnvironmentServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:EnvironmentServer", name, {}, opts);
    const env = args.environment;
    this.logGroupName = serverLogGroupName(args.team, env.name);

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: this.logGroupName, retentionInDays: args.logRetentionDays ?? 30 },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        // The registries' policy admits this path: roles created later still match it.
        path: serverRolePath(args.team),
        description: `Server of team ${args.team} in ${env.name}`,
        assumeRolePolicy: JSON.stringify(ec2TrustPolicy()),
      },
      { parent: this },
    );
    const scope = providerScope(this);
    new aws.iam.RolePolicyAttachment(
      `${name}-ssm-core`,
      { role: role.name, policyArn: scope.apply((s) => ssmCorePolicyArn(s.partition)) },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-permissions`,
      {
        role: role.name,
        policy: pulumi.jsonStringify(
          scope.apply((s) =>
            serverPermissions({
              ...s,
              region: args.region,
              team: args.team,
              environment: env.name,
              logGroup: this.logGroupName,
            }),
          ),
        ),
      },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, path: serverRolePath(args.team) },
      { parent: this },
    );

    const subnetId =
      args.subnetId ??
      (() => {
        const vpc = aws.ec2.getVpcOutput({ default: true }, { parent: this });
        const subnets = aws.ec2.getSubnetsOutput(
          {
            filters: [
              { name: "vpc-id", values: [vpc.id] },
              { name: "default-for-az", values: ["true"] },
            ],
          },
          { parent: this },
        );
        return subnets.ids.apply((ids) => {
          if (ids.length === 0)
            throw new Error("the region's default VPC has no default subnet: pass subnetId");
          return [...ids].sort()[0];
        });
      })();
    const subnet = aws.ec2.getSubnetOutput({ id: subnetId }, { parent: this });

    const ports = [...new Set(args.services.map((s) => s.port))].sort((a, b) => a - b);
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: subnet.vpcId,
        description: `Service ports of team ${args.team} in ${env.name}; no SSH (SSM Session Manager)`,
        ingress: ports.map((port) => ({
          description: `service port ${port}`,
          protocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrBlocks: ["0.0.0.0/0"],
        })),
        // Pulls from ECR, SSM and CloudWatch go out over the internet gateway (no NAT, no endpoints).
        egress: [
          {
            description: "HTTPS to AWS APIs and the registry",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
      },
      { parent: this },
    );

    const ami = aws.ssm.getParameterOutput({ name: AL2023_ARM64_AMI_PARAMETER }, { parent: this });
    this.instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami: ami.value,
        instanceType: args.instanceType ?? defaultInstanceType(env),
        subnetId,
        vpcSecurityGroupIds: [securityGroup.id],
        associatePublicIpAddress: true,
        iamInstanceProfile: profile.name,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: args.rootVolumeGiB ?? 16,
          encrypted: true,
          deleteOnTermination: true,
        },
        monitoring: false,
        userData: userData({ region: args.region, logGroup: this.logGroupName, services: args.services }),
        // The server is cattle: a changed agent or service list builds a fresh one.
        userDataReplaceOnChange: true,
        tags: { Name: `${args.team}-${env.name}`, environment: env.name },
      },
      // A newer AMI alone must not replace a running server: `pulumi up --replace` takes it.
      { parent: this, ignoreChanges: ["ami"], dependsOn: [logGroup] },
    );

    new aws.cloudwatch.MetricAlarm(
      `${name}-recover`,
      {
        alarmDescription: `Recover ${args.team}-${env.name} onto healthy hardware when the system status check fails`,
        namespace: "AWS/EC2",
        metricName: "StatusCheckFailed_System",
        dimensions: { InstanceId: this.instance.id },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 2,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        alarmActions: [scope.apply((s) => ec2RecoverActionArn(s.partition, args.region))],
      },
      { parent: this },
    );

    if (env.stableAddress) {
      const eip = new aws.ec2.Eip(
        `${name}-eip`,
        { domain: "vpc", instance: this.instance.id, tags: { environment: env.name } },
        { parent: this },
      );
      this.publicIp = eip.publicIp;
    } else {
      this.publicIp = this.instance.publicIp;
    }
    this.instanceId = this.instance.id;
    this.roleArn = role.arn;
    this.publicUrls = Object.fromEntries(
      args.services.map((s) => [s.name, pulumi.interpolate`http://${this.publicIp}:${s.port}`]),
    );
    this.registerOutputs({
      instanceId: this.instanceId,
      roleArn: this.roleArn,
      publicIp: this.publicIp,
      publicUrls: this.publicUrls,
    });
  }
}
