import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { al2023AmiParameter, architectureOfInstanceType, IDLE_STOPPED_TAG } from "../release";
import { environmentServerDisk, type EnvironmentSpec } from "../team";
import { serverRolePath } from "./arns";
import { ec2TrustPolicy, serverPermissions, ssmCorePolicyArn } from "./iam-documents";
import { serverLogGroupName } from "./names";
import { rootVolumeGiB, serverRootVolumeName } from "./root-volume";
import { providerScope } from "./scope";
import { userData } from "./user-data";

/** Default size: Graviton burstable, small for production, micro elsewhere. */
export function defaultInstanceType(env: Pick<EnvironmentSpec, "role" | "instanceType">): string {
  return env.instanceType ?? (env.role === "production" ? "t4g.small" : "t4g.micro");
}

export interface ServerService {
  readonly name: string;
  /** Reached through the proxy (80/443); false for a worker. */
  readonly public: boolean;
  readonly releaseParameter: string;
  /** SSM path of its configuration (`…/config`). */
  readonly configPath: string;
}

/** Where a public service answers: `https://<service>.<domain>`, or `http://<address>/<service>/`. */
export function publicUrl(service: string, address: string, domain: string | undefined): string {
  return domain ? `https://${service}.${domain}` : `http://${address}/${service}/`;
}

export interface EnvironmentServerArgs {
  readonly team: string;
  /** The environment (name, role, instanceType, stableAddress, domain, vpcId, subnetIds). */
  readonly environment: EnvironmentSpec;
  /** Where the environment sits in the spec, for errors: `team.environments[2]`. */
  readonly specPath: string;
  readonly region: string;
  /** Services this server runs. */
  readonly services: readonly ServerService[];
  /** ECR repository names the server pulls from. */
  readonly registries: pulumi.Input<pulumi.Input<string>[]>;
  /** The environment's boot document (AgentDelivery): the association runs it on the server. */
  readonly bootDocument: { readonly name: pulumi.Input<string>; readonly version: pulumi.Input<string> };
  /**
   * The AMI, pinned (stack config `serverAmi`): a new one is an explicit change that replaces the
   * server, the new one up and serving before the stable address moves.
   * @default the latest Amazon Linux 2023 for the instance type's architecture, resolved at each
   * `up` - a new Amazon Linux release then replaces the server the same way
   */
  readonly ami?: string;
  /**
   * EC2 instance type.
   * @default environment.instanceType, else t4g.small for production and t4g.micro elsewhere
   */
  readonly instanceType?: string;
  /**
   * Ports the proxy must answer on even when no service is public: pull-request previews answer
   * through it (80; 443 too when previews have a domain: HTTPS and ACME TLS-ALPN/HTTP-01).
   * @default none beyond the public services' 80 and 443
   */
  readonly proxyPorts?: readonly (80 | 443)[];
  /**
   * Root volume size in GiB (gp3, encrypted); at least the AMI's snapshot (8 GiB for Amazon Linux
   * 2023), or EC2 refuses the launch.
   * @default environment.rootVolumeGiB, else sized for `services` (team/server-disk.ts): the
   * system, the current and two kept releases of each service's image, and one pull
   */
  readonly rootVolumeGiB?: number;
  /**
   * Days the server's logs are kept.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Seconds a new server's boot (cloud-init, then every service's release) may take before the
   * `up` fails and the stable address stays where it is.
   * @default 1800
   */
  readonly bootTimeoutSeconds?: number;
  /**
   * The server is stopped while it has nothing to run and started on demand (previews' own
   * server: preview.yml starts it for a deploy and stops it when no preview is left). Tagged
   * `delivery:idle=stopped` (IDLE_STOPPED_TAG), which the offline plan prices as its root volume
   * only. Its address changes at every start: give it no stable address unless one is needed.
   * @default false - the server runs all the time
   */
  readonly stoppedWhenIdle?: boolean;
}

/**
 * One EC2 server per environment running the team's services in Docker behind kamal-proxy. No SSH:
 * operators use SSM Session Manager. IMDSv2 with a hop limit of 1 (a container cannot reach the
 * host's credentials), an encrypted and tagged gp3 root volume sized for its images, 80/443 open
 * only when a service is public, EC2's simplified automatic recovery on system status failures. The deploy agent arrives by a State Manager
 * association of the boot document; with a stable address, the Elastic IP moves to a replacement
 * server only after that association succeeded on it (every service serving its release).
 */
export class EnvironmentServer extends pulumi.ComponentResource {
  public readonly instance: aws.ec2.Instance;
  public readonly instanceId: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  /** Public IPv4 address (the Elastic IP when there is one). */
  public readonly publicIp: pulumi.Output<string>;
  public readonly ami: pulumi.Output<string>;
  public readonly logGroupName: string;
  /** Per public service: where it answers. */
  public readonly publicUrls: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: EnvironmentServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:EnvironmentServer", name, {}, opts);
    const env = args.environment;
    const tags = { environment: env.name, "delivery:team": args.team };
    this.logGroupName = serverLogGroupName(args.team, env.name);
    const instanceType = args.instanceType ?? defaultInstanceType(env);

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

    const subnetId = this.chooseSubnet(args, instanceType);
    const subnet = aws.ec2.getSubnetOutput({ id: subnetId }, { parent: this });

    const hasPublic = args.services.some((s) => s.public);
    const openPorts = [
      ...new Set<number>([...(hasPublic ? [80, 443] : []), ...(args.proxyPorts ?? [])]),
    ].sort((a, b) => a - b);
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: subnet.vpcId,
        description:
          openPorts.length > 0
            ? `${openPorts.length === 2 ? "HTTP and HTTPS" : openPorts[0] === 80 ? "HTTP" : "HTTPS"} to the proxy of team ${args.team} in ${env.name}; no SSH (SSM Session Manager)`
            : `No ingress: team ${args.team} in ${env.name} runs only workers; no SSH (SSM Session Manager)`,
        // Only the proxy is reachable: every release (and preview) listens on a loopback port.
        ingress: openPorts.map((port) => ({
          description: port === 80 ? "HTTP (and ACME HTTP-01 challenges)" : "HTTPS",
          protocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrBlocks: ["0.0.0.0/0"],
        })),
        // ECR, SSM, CloudWatch, Let's Encrypt and the Go module proxy, over the internet gateway.
        egress: [
          {
            description: "HTTPS to AWS APIs, the registry, ACME and the Go module proxy",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
        tags,
      },
      { parent: this },
    );

    // A pinned AMI is looked up by id (a filter on image-id is exact, so no owner is needed): a
    // deleted or unshared AMI fails here rather than at launch, and the lookup's architecture lets
    // the preflight rule aws-ec2-ami-architecture refuse an AMI the instance type cannot run
    // (EC2 RunInstances refuses that combination). The default needs no check: its parameter is
    // chosen by the instance type's architecture.
    this.ami = args.ami
      ? aws.ec2.getAmiOutput({ filters: [{ name: "image-id", values: [args.ami] }] }, { parent: this }).id
      : aws.ssm.getParameterOutput(
          { name: al2023AmiParameter(architectureOfInstanceType(instanceType)) },
          { parent: this },
        ).value;
    this.instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami: this.ami,
        instanceType,
        subnetId,
        vpcSecurityGroupIds: [securityGroup.id],
        associatePublicIpAddress: true,
        iamInstanceProfile: profile.name,
        // Hop limit 1: a token request from a container (one hop further) never gets an answer.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: {
          volumeType: "gp3",
          // The spec's or the disk model's size, never below what the volume already has.
          volumeSize: rootVolumeGiB(
            {
              team: args.team,
              environment: env.name,
              wantedGiB: args.rootVolumeGiB ?? environmentServerDisk({ services: args.services }, env).gib,
            },
            { parent: this },
          ),
          encrypted: true,
          deleteOnTermination: true,
          tags: { ...tags, Name: serverRootVolumeName(args.team, env.name) },
        },
        monitoring: false,
        // Recovery onto healthy hardware when the system status check fails: EC2's simplified
        // automatic recovery, on by default for the types that support it, set here so nothing
        // turns it off unseen. `default` is accepted for any type ("will not enable simplified
        // automatic recovery for an unsupported instance type": ModifyInstanceMaintenanceOptions);
        // that t4g supports it is assumed, as the recover alarm before assumed it too
        // (`aws ec2 describe-instance-types --instance-types t4g.micro --query
        // 'InstanceTypes[].AutoRecoverySupported'` says). It keeps the instance id, addresses and volume like a
        // CloudWatch alarm's recover action, without an alarm billed per server (stopped or not);
        // the alarm's only gain is a faster reaction. EC2 User Guide, "Configure simplified
        // automatic recovery" (instance-configuration-recovery.html). Updated in place
        // (ModifyInstanceMaintenanceOptions; terraform-provider-aws ec2_instance.go,
        // maintenance_options is not ForceNew).
        maintenanceOptions: { autoRecovery: "default" },
        // The same for every team and service list: only a new proxy version changes it.
        userData: userData(),
        userDataReplaceOnChange: true,
        tags: {
          ...tags,
          Name: `${args.team}-${env.name}`,
          ...(args.stoppedWhenIdle ? { [IDLE_STOPPED_TAG.key]: IDLE_STOPPED_TAG.value } : {}),
        },
      },
      // No ignoreChanges on the AMI: a changed AMI (pinned in stack config) replaces the server, and
      // Pulumi replaces create-before-delete (the default), so the old one serves until the new one
      // is up. A server stopped while idle ignores associatePublicIpAddress alone: the provider
      // reads it from the network interface's association, which a stopped instance has released,
      // as false, and the attribute forces replacement, so every refresh while it is stopped would
      // replace it (terraform-provider-aws issue #33775, open; #45850 would make it updatable).
      {
        parent: this,
        dependsOn: [logGroup],
        ...(args.stoppedWhenIdle ? { ignoreChanges: ["associatePublicIpAddress"] } : {}),
      },
    );

    // The agent reaches a new server through State Manager: the association runs the boot document
    // when the instance first comes online, and again whenever the document's version changes.
    // A new server gets a new association (replaceOnChanges), whose creation waits for success.
    const boot = new aws.ssm.Association(
      `${name}-boot`,
      {
        name: args.bootDocument.name,
        documentVersion: args.bootDocument.version,
        targets: [{ key: "InstanceIds", values: [this.instance.id] }],
        waitForSuccessTimeoutSeconds: args.bootTimeoutSeconds ?? 1800,
        complianceSeverity: "HIGH",
        tags,
      },
      { parent: this, replaceOnChanges: ["targets"] },
    );

    if (env.stableAddress) {
      const eip = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags }, { parent: this });
      // Moves only once the boot association succeeded on the (new) server.
      new aws.ec2.EipAssociation(
        `${name}-eip-association`,
        { allocationId: eip.allocationId, instanceId: this.instance.id },
        { parent: this, dependsOn: [boot] },
      );
      this.publicIp = eip.publicIp;
    } else {
      this.publicIp = this.instance.publicIp;
    }
    this.instanceId = this.instance.id;
    this.roleArn = role.arn;
    this.publicUrls = Object.fromEntries(
      args.services
        .filter((s) => s.public)
        .map((s) => [s.name, this.publicIp.apply((ip) => publicUrl(s.name, ip, env.domain))]),
    );
    this.registerOutputs({
      instanceId: this.instanceId,
      roleArn: this.roleArn,
      publicIp: this.publicIp,
      ami: this.ami,
      publicUrls: this.publicUrls,
    });
  }

  /**
   * A subnet whose zone offers the instance type: of `subnetIds` when the spec names them, else a
   * default subnet of `vpcId` or of the region's default VPC. Errors name the key to set.
   */
  private chooseSubnet(args: EnvironmentServerArgs, instanceType: string): pulumi.Output<string> {
    const env = args.environment;
    const zones = aws.ec2.getInstanceTypeOfferingsOutput(
      { locationType: "availability-zone", filters: [{ name: "instance-type", values: [instanceType] }] },
      { parent: this },
    ).locations;
    const vpcId: pulumi.Output<string | undefined> = env.vpcId
      ? pulumi.output(env.vpcId)
      : env.subnetIds
        ? pulumi.output(undefined)
        : aws.ec2
            .getVpcsOutput({ filters: [{ name: "is-default", values: ["true"] }] }, { parent: this })
            .ids.apply((ids) => {
              if (ids.length === 0)
                throw new Error(
                  `${args.specPath}.vpcId: the account has no default VPC in ${args.region}; set vpcId (and subnetIds) of an existing VPC`,
                );
              return ids[0];
            });
    const subnets = pulumi.all([zones, vpcId]).apply(([offered, vpc]) =>
      aws.ec2.getSubnetsOutput(
        {
          filters: [
            ...(vpc ? [{ name: "vpc-id", values: [vpc] }] : []),
            env.subnetIds
              ? { name: "subnet-id", values: [...env.subnetIds] }
              : { name: "default-for-az", values: ["true"] },
            { name: "availability-zone", values: offered },
          ],
        },
        { parent: this },
      ),
    );
    return pulumi.all([subnets.ids, zones]).apply(([ids, offered]) => {
      if (ids.length === 0)
        throw new Error(
          `${args.specPath}.subnetIds: no ${env.subnetIds ? "listed" : "default"} subnet is in a zone offering ${instanceType} (zones: ${offered.join(", ") || "none"})`,
        );
      return [...ids].sort()[0];
    });
  }
}
