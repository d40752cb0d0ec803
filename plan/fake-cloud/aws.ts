/**
 * The fake AWS: plausible computed outputs for every AWS resource type and function the program
 * uses. Account 123456789012, partition `aws`, region from the resource's explicit provider.
 * Public addresses come from TEST-NET-3 (203.0.113.0/24), which is never routed.
 */
import { createHash } from "crypto";
import type { CallFake, FakeContext, FakeTables, ResourceFake } from "./types";
import { NO_DEFAULT_VPC } from "../facts";
import {
  AL2023_ROOT_DEVICE_NAME,
  AL2023_ROOT_SNAPSHOT_GIB,
} from "../../policy/rules/aws-ec2-root-volume-snapshot";

const arn = (
  ctx: FakeContext,
  service: string,
  resource: string,
  opts: { region?: boolean; account?: boolean } = {},
) =>
  `arn:${ctx.partition}:${service}:${opts.region === false ? "" : ctx.region}:${opts.account === false ? "" : ctx.accountId}:${resource}`;

const publicIp = (ctx: FakeContext, salt = "ip") => `203.0.113.${(parseInt(ctx.hex(2, salt), 16) % 254) + 1}`;
const privateIp = (ctx: FakeContext, salt = "private-ip") =>
  `172.31.${parseInt(ctx.hex(2, salt + "a"), 16) % 256}.${(parseInt(ctx.hex(2, salt + "b"), 16) % 254) + 1}`;
const publicDns = (ctx: FakeContext, ip: string) =>
  ctx.region === "us-east-1"
    ? `ec2-${ip.replace(/\./g, "-")}.compute-1.amazonaws.com`
    : `ec2-${ip.replace(/\./g, "-")}.${ctx.region}.compute.amazonaws.com`;
const privateDns = (ctx: FakeContext, ip: string) =>
  ctx.region === "us-east-1"
    ? `ip-${ip.replace(/\./g, "-")}.ec2.internal`
    : `ip-${ip.replace(/\./g, "-")}.${ctx.region}.compute.internal`;

/** Tags after the provider's default tags are applied, as AWS reports them in `tagsAll`. */
function tagsAll(inputs: Record<string, any>, ctx: FakeContext): Record<string, string> {
  let defaults: unknown = ctx.provider.defaultTags;
  if (typeof defaults === "string") {
    try {
      defaults = JSON.parse(defaults);
    } catch {
      defaults = undefined;
    }
  }
  const defaultTags = (defaults as { tags?: Record<string, string> } | undefined)?.tags ?? {};
  return { ...defaultTags, ...(inputs.tags ?? {}) };
}

/** Adds the outputs every tagged AWS resource has. */
const tagged =
  (fake: ResourceFake): ResourceFake =>
  (inputs, ctx) => {
    const result = fake(inputs, ctx);
    return {
      id: result.id,
      outputs: { region: ctx.region, tagsAll: tagsAll(inputs, ctx), ...result.outputs },
    };
  };

const az = (ctx: FakeContext, inputs: Record<string, any>) => inputs.availabilityZone ?? `${ctx.region}a`;

export const resources: Record<string, ResourceFake> = {
  // --- ECR -------------------------------------------------------------------------------------
  "aws:ecr/repository:Repository": tagged((inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(256).toLowerCase();
    return {
      id: name,
      outputs: {
        name,
        arn: arn(ctx, "ecr", `repository/${name}`),
        registryId: ctx.accountId,
        repositoryUrl: `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${name}`,
      },
    };
  }),
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": (inputs, ctx) => ({
    id: String(inputs.repository),
    outputs: { registryId: ctx.accountId, region: ctx.region },
  }),
  "aws:ecr/repositoryPolicy:RepositoryPolicy": (inputs, ctx) => ({
    id: String(inputs.repository),
    outputs: { registryId: ctx.accountId, region: ctx.region },
  }),

  // --- IAM -------------------------------------------------------------------------------------
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": tagged((inputs, ctx) => {
    const host = String(inputs.url ?? "").replace(/^https:\/\//, "");
    const a = arn(ctx, "iam", `oidc-provider/${host}`, { region: false });
    return {
      id: a,
      outputs: {
        arn: a,
        thumbprintLists: inputs.thumbprintLists ?? ["6938fd4d98bab03faadb97b34396831e3780aea1"],
      },
    };
  }),
  "aws:iam/role:Role": tagged((inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(64);
    return {
      id: name,
      outputs: {
        name,
        arn: arn(ctx, "iam", `role${inputs.path ?? "/"}${name}`, { region: false }),
        uniqueId: `AROA${ctx.hex(17).toUpperCase()}`,
        createDate: "2024-01-01T00:00:00Z",
        path: inputs.path ?? "/",
        maxSessionDuration: inputs.maxSessionDuration ?? 3600,
      },
    };
  }),
  "aws:iam/rolePolicy:RolePolicy": (inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(128);
    return { id: `${inputs.role}:${name}`, outputs: { name } };
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (inputs, ctx) => ({
    id: `${inputs.role}-${ctx.digits(20)}`,
  }),
  "aws:iam/instanceProfile:InstanceProfile": tagged((inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(128);
    return {
      id: name,
      outputs: {
        name,
        arn: arn(ctx, "iam", `instance-profile${inputs.path ?? "/"}${name}`, { region: false }),
        uniqueId: `AIPA${ctx.hex(17).toUpperCase()}`,
        path: inputs.path ?? "/",
      },
    };
  }),
  // --- EC2 / VPC -------------------------------------------------------------------------------
  "aws:ec2/instance:Instance": tagged((inputs, ctx) => {
    const id = `i-${ctx.hex(17)}`;
    const ip = publicIp(ctx);
    const priv = inputs.privateIp ?? privateIp(ctx);
    const hasPublicIp = inputs.associatePublicIpAddress !== false;
    return {
      id,
      outputs: {
        arn: arn(ctx, "ec2", `instance/${id}`),
        availabilityZone: az(ctx, inputs),
        instanceState: "running",
        primaryNetworkInterfaceId: `eni-${ctx.hex(17, "eni")}`,
        privateIp: priv,
        privateDns: privateDns(ctx, priv),
        publicIp: hasPublicIp ? ip : "",
        publicDns: hasPublicIp ? publicDns(ctx, ip) : "",
        subnetId: inputs.subnetId ?? `subnet-${ctx.hex(17, "subnet")}`,
        vpcSecurityGroupIds: inputs.vpcSecurityGroupIds ?? [`sg-${ctx.hex(17, "default-sg")}`],
        rootBlockDevice: {
          deleteOnTermination: true,
          encrypted: false,
          volumeSize: 8,
          volumeType: "gp3",
          ...(inputs.rootBlockDevice ?? {}),
          deviceName: "/dev/xvda",
          volumeId: `vol-${ctx.hex(17, "vol")}`,
        },
      },
    };
  }),
  "aws:ec2/securityGroup:SecurityGroup": tagged((inputs, ctx) => {
    const id = `sg-${ctx.hex(17)}`;
    return {
      id,
      outputs: {
        arn: arn(ctx, "ec2", `security-group/${id}`),
        name: inputs.name ?? ctx.autoName(255),
        ownerId: ctx.accountId,
        vpcId: inputs.vpcId ?? `vpc-${ctx.hex(17, "default-vpc")}`,
        description: inputs.description ?? "Managed by Pulumi",
      },
    };
  }),
  "aws:ec2/eip:Eip": tagged((inputs, ctx) => {
    const id = `eipalloc-${ctx.hex(17)}`;
    const ip = publicIp(ctx, "eip");
    return {
      id,
      outputs: {
        allocationId: id,
        arn: arn(ctx, "ec2", `elastic-ip/${id}`),
        associationId: inputs.instance || inputs.networkInterface ? `eipassoc-${ctx.hex(17, "assoc")}` : "",
        domain: inputs.domain ?? "vpc",
        publicIp: ip,
        publicDns: publicDns(ctx, ip),
        publicIpv4Pool: "amazon",
        networkBorderGroup: ctx.region,
      },
    };
  }),
  // The stable address moves by its own association (components/aws/environment-server.ts).
  "aws:ec2/eipAssociation:EipAssociation": (inputs, ctx) => ({
    id: `eipassoc-${ctx.hex(17)}`,
    outputs: { allocationId: inputs.allocationId, instanceId: inputs.instanceId, region: ctx.region },
  }),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": tagged((_inputs, ctx) => {
    const id = `sgr-${ctx.hex(17)}`;
    return { id, outputs: { arn: arn(ctx, "ec2", `security-group-rule/${id}`), securityGroupRuleId: id } };
  }),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": tagged((_inputs, ctx) => {
    const id = `sgr-${ctx.hex(17)}`;
    return { id, outputs: { arn: arn(ctx, "ec2", `security-group-rule/${id}`), securityGroupRuleId: id } };
  }),

  // --- SSM, CloudWatch -------------------------------------------------------------------------
  "aws:ssm/parameter:Parameter": tagged((inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(2048);
    return {
      id: name,
      outputs: {
        name,
        arn: arn(ctx, "ssm", `parameter${String(name).startsWith("/") ? "" : "/"}${name}`),
        version: 1,
        tier: inputs.tier ?? "Standard",
        dataType: inputs.dataType ?? "text",
      },
    };
  }),
  // The deploy agent's documents and the server's boot association (components/aws/agent-delivery.ts).
  "aws:ssm/document:Document": tagged((inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(128);
    return {
      id: name,
      outputs: {
        name,
        arn: arn(ctx, "ssm", `document/${name}`),
        defaultVersion: "1",
        latestVersion: "1",
        documentVersion: "1",
        status: "Active",
        owner: ctx.accountId,
        schemaVersion: "2.2",
        hash: ctx.hex(64, String(inputs.content ?? "")),
        hashType: "Sha256",
      },
    };
  }),
  "aws:ssm/association:Association": tagged((inputs, ctx) => {
    const id = `${ctx.hex(8)}-${ctx.hex(4)}-${ctx.hex(4)}-${ctx.hex(4)}-${ctx.hex(12)}`;
    return {
      id,
      outputs: { associationId: id, arn: arn(ctx, "ssm", `association/${id}`), name: inputs.name },
    };
  }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": tagged((inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(255);
    return { id: name, outputs: { name, arn: arn(ctx, "cloudwatch", `alarm:${name}`) } };
  }),
  "aws:cloudwatch/logGroup:LogGroup": tagged((inputs, ctx) => {
    const name = inputs.name ?? ctx.autoName(512);
    return {
      id: name,
      outputs: {
        name,
        arn: arn(ctx, "logs", `log-group:${name}`),
        retentionInDays: inputs.retentionInDays ?? 0,
        logGroupClass: "STANDARD",
      },
    };
  }),
};

interface DefaultVpc {
  id: string;
  cidrBlock: string;
  subnets: { id: string; availabilityZone: string; public: boolean }[];
}

/**
 * The default VPC of the region from facts.yaml, or one by convention (an assumption);
 * undefined where facts.yaml says the account has none (`aws.defaultVpcs.<region>: none`).
 */
function defaultVpc(ctx: FakeContext): DefaultVpc | undefined {
  const known = ctx.facts.aws?.defaultVpcs[ctx.region];
  if (known === NO_DEFAULT_VPC) return undefined;
  if (known) return known;
  const id = `vpc-${ctx.hex(17, "default-vpc")}`;
  ctx.assume(
    "aws-vpc",
    `default VPC of ${ctx.region}`,
    `facts.yaml names no aws.defaultVpcs.${ctx.region}: the plan assumes the account still has its default VPC there (accounts may delete it; the lookup then fails in pulumi up)`,
  );
  return {
    id,
    cidrBlock: "172.31.0.0/16",
    subnets: ["a", "b", "c"].map((s) => ({
      id: `subnet-${ctx.hex(17, `default-subnet-${s}`)}`,
      availabilityZone: `${ctx.region}${s}`,
      public: true,
    })),
  };
}

/** Subnets of a VPC facts.yaml does not record (the spec's own vpcId): made up, one per zone. */
function assumedSubnets(ctx: FakeContext, vpcIds: string[]): { id: string; availabilityZone: string }[] {
  ctx.assume(
    "aws-vpc",
    vpcIds.join(","),
    "not a VPC of facts.yaml: the plan assumes it has a subnet in every zone of the region",
  );
  return ["a", "b", "c"].map((z) => ({
    id: `subnet-${ctx.hex(17, `${vpcIds.join(",")}-${z}`)}`,
    availabilityZone: `${ctx.region}${z}`,
  }));
}

/**
 * The singular data sources (aws_vpc, aws_subnet) fail when nothing matches, with the provider's
 * own words: terraform-provider-aws internal/tfresource `SingularDataSourceFindError` returns
 * "no matching <type> found" (internal/service/ec2/vpc_data_source.go: "EC2 VPC";
 * vpc_subnet_data_source.go: "EC2 Subnet"). The plural ones (aws_vpcs, aws_subnets) return an
 * empty `ids` list instead (vpc_vpcs_data_source.go sets whatever DescribeVpcs found).
 */
function noMatch(resourceType: string, token: string, why: string): Error {
  return new Error(`${token}: no matching ${resourceType} found (${why})`);
}

/** The id of a root volume facts.yaml lists: the same in both lookups, derived from its Name tag. */
const rootVolumeId = (name: string) => `vol-${createHash("sha256").update(name).digest("hex").slice(0, 17)}`;

/**
 * Root volumes facts.yaml says exist, by Name tag; undefined when it does not say (a fresh
 * account is assumed, and the lookup records that).
 */
function rootVolumes(ctx: FakeContext): Readonly<Record<string, number>> | undefined {
  return ctx.facts.aws?.rootVolumes;
}

export const calls: Record<string, CallFake> = {
  "aws:index/getCallerIdentity:getCallerIdentity": (_inputs, ctx) => {
    if (!ctx.facts.aws)
      ctx.assume(
        "aws-account",
        ctx.accountId,
        "facts.yaml names no aws.accountId: ARNs in this plan use a made-up account",
      );
    return {
      id: ctx.accountId,
      accountId: ctx.accountId,
      arn: `arn:${ctx.partition}:iam::${ctx.accountId}:user/offline-plan`,
      userId: "AIDAOFFLINEPLAN000000",
    };
  },
  "aws:index/getPartition:getPartition": (_inputs, ctx) => ({
    id: ctx.partition,
    partition: ctx.partition,
    dnsSuffix: ctx.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    reverseDnsPrefix: ctx.partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws",
  }),
  // Public parameters (the AL2023 AMI alias) exist in every region: no assumption.
  "aws:ssm/getParameter:getParameter": (inputs, ctx) => {
    const name = String(inputs.name);
    const isPublic = name.startsWith("/aws/service/");
    if (!isPublic)
      ctx.assume("aws-ssm-parameter", name, "facts.yaml cannot confirm an account's own SSM parameters");
    const value =
      isPublic && name.includes("ami")
        ? `ami-0${ctx.hex(16, name)}`
        : `offline-parameter-${ctx.hex(8, name)}`;
    return {
      id: name,
      name,
      value,
      insecureValue: value,
      type: "String",
      version: 1,
      arn: `arn:${ctx.partition}:ssm:${ctx.region}::parameter${name.startsWith("/") ? "" : "/"}${name}`,
      withDecryption: inputs.withDecryption ?? true,
      region: ctx.region,
    };
  },
  "aws:ec2/getVpc:getVpc": (_inputs, ctx) => {
    const vpc = defaultVpc(ctx);
    if (!vpc)
      throw noMatch(
        "EC2 VPC",
        "aws:ec2/getVpc:getVpc",
        `facts.yaml: the account has no default VPC in ${ctx.region} (aws.defaultVpcs.${ctx.region}: ${NO_DEFAULT_VPC})`,
      );
    return {
      id: vpc.id,
      arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc/${vpc.id}`,
      cidrBlock: vpc.cidrBlock,
      default: true,
      ownerId: ctx.accountId,
      mainRouteTableId: `rtb-${ctx.hex(17, "main-rtb")}`,
      region: ctx.region,
      tags: {},
    };
  },
  // The program filters by vpc-id, subnet-id or default-for-az, and availability-zone (the zones
  // offering its instance type): answered from the default VPC's subnets, filtered the same way,
  // so a type offered in no zone with a subnet fails offline as it would in pulumi up.
  "aws:ec2/getSubnets:getSubnets": (inputs, ctx) => {
    const vpc = defaultVpc(ctx);
    const filters: { name: string; values: string[] }[] = inputs.filters ?? [];
    const values = (name: string) => filters.find((f) => f.name === name)?.values;
    const zones = values("availability-zone");
    const ids = values("subnet-id");
    const vpcIds = values("vpc-id");
    let subnets: { id: string; availabilityZone: string }[];
    if (ids) {
      subnets = ids.map((id) => vpc?.subnets.find((s) => s.id === id) ?? { id, availabilityZone: "" });
    } else if (vpc && (vpcIds === undefined || vpcIds.includes(vpc.id))) {
      subnets = vpc.subnets;
    } else if (vpcIds === undefined) {
      // default-for-az=true without a default VPC: DescribeSubnets matches nothing.
      subnets = [];
    } else {
      // The spec's own vpcId: facts.yaml records only default VPCs, so its subnets are made up.
      subnets = assumedSubnets(ctx, vpcIds);
    }
    return {
      id: ctx.region,
      // A listed subnet facts.yaml does not know is kept (its zone unknown) rather than refused.
      ids: subnets
        .filter((s) => !zones || s.availabilityZone === "" || zones.includes(s.availabilityZone))
        .map((s) => s.id),
      region: ctx.region,
    };
  },
  // The subnet a server launches in (components/aws/environment-server.ts).
  "aws:ec2/getSubnet:getSubnet": (inputs, ctx) => {
    const vpc = defaultVpc(ctx);
    const id = inputs.id === undefined ? vpc?.subnets[0].id : String(inputs.id);
    if (id === undefined)
      throw noMatch(
        "EC2 Subnet",
        "aws:ec2/getSubnet:getSubnet",
        `facts.yaml: the account has no default VPC in ${ctx.region}, and no subnet id was given`,
      );
    const subnet = vpc?.subnets.find((s) => s.id === id);
    if (!subnet && ctx.facts.aws?.defaultVpcs[ctx.region])
      ctx.assume("aws-subnet", id, `not a subnet of aws.defaultVpcs.${ctx.region} in facts.yaml`);
    return {
      id,
      arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:subnet/${id}`,
      // A subnet outside the default VPC: its VPC is not known offline.
      vpcId: subnet && vpc ? vpc.id : `vpc-${ctx.hex(17, `vpc-of-${id}`)}`,
      availabilityZone: subnet?.availabilityZone ?? `${ctx.region}a`,
      cidrBlock: "172.31.0.0/20",
      defaultForAz: true,
      mapPublicIpOnLaunch: subnet?.public ?? true,
      ownerId: ctx.accountId,
      region: ctx.region,
      tags: {},
    };
  },
  // ECR login for the bootstrap image push (components/aws/bootstrap-image.ts).
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (inputs, ctx) => {
    const registry = String(inputs.registryId ?? ctx.accountId);
    return {
      id: ctx.region,
      authorizationToken: Buffer.from(`AWS:offline-${ctx.hex(16, "token")}`).toString("base64"),
      expiresAt: "2030-01-01T00:00:00Z",
      password: `offline-${ctx.hex(16, "token")}`,
      proxyEndpoint: `https://${registry}.dkr.ecr.${ctx.region}.amazonaws.com`,
      userName: "AWS",
      registryId: registry,
      region: ctx.region,
    };
  },
  // Zones offering the server's instance type: aws.instanceTypeOfferings of facts.yaml when it
  // lists the type for the region; otherwise every zone of the default VPC, as an assumption.
  "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": (inputs, ctx) => {
    const type = String(
      (inputs.filters ?? []).find((f: { name: string }) => f.name === "instance-type")?.values?.[0] ?? "",
    );
    const declared = ctx.facts.aws?.instanceTypeOfferings[ctx.region]?.[type];
    let zones: string[];
    if (declared) {
      zones = [...declared];
    } else {
      const subnets =
        defaultVpc(ctx)?.subnets ?? ["a", "b", "c"].map((z) => ({ availabilityZone: `${ctx.region}${z}` }));
      zones = [...new Set(subnets.map((s) => s.availabilityZone))];
      ctx.assume(
        "aws-instance-type-offering",
        type,
        `facts.yaml lists no aws.instanceTypeOfferings.${ctx.region}.${type}: assumed offered in every zone of ${ctx.region} (aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=${type})`,
      );
    }
    return {
      id: ctx.region,
      locations: zones,
      locationTypes: zones.map(() => "availability-zone"),
      instanceTypes: zones.map(() => type),
      region: ctx.region,
    };
  },
  // A pinned AMI, looked up by image-id: its architecture and root snapshot from aws.amis of
  // facts.yaml, else unknown (empty, no block device mappings) and an assumption. The mappings
  // have the provider's shape: `ebs` is a map of strings keyed as terraform-provider-aws writes
  // them (`volume_size`, `snapshot_id`, …; flattenAMIBlockDeviceMappings in
  // internal/service/ec2/ec2_ami_data_source.go), which @pulumi/aws passes through unrenamed.
  "aws:ec2/getAmi:getAmi": (inputs, ctx) => {
    const filters: { name: string; values: string[] }[] = inputs.filters ?? [];
    const id = filters.find((f) => f.name === "image-id")?.values?.[0];
    if (!id) throw new Error("the fake cloud answers aws:ec2/getAmi only by image-id (a pinned serverAmi)");
    const known = ctx.facts.aws?.amis[id];
    if (!known)
      ctx.assume(
        "aws-ami",
        id,
        `facts.yaml lists no aws.amis.${id}: the plan assumes it exists, is shared with the account, runs on the server's instance type and has a root snapshot no larger than the server's root volume (aws ec2 describe-images --image-ids ${id})`,
      );
    else if (known.rootSnapshotGiB === undefined)
      ctx.assume(
        "aws-ami-root-snapshot",
        id,
        `facts.yaml gives no aws.amis.${id}.rootSnapshotGiB: the plan assumes ${AL2023_ROOT_SNAPSHOT_GIB} GiB, the standard Amazon Linux 2023 AMI's (aws ec2 describe-images --image-ids ${id} --query 'Images[0].[RootDeviceName,BlockDeviceMappings]')`,
      );
    const rootDeviceName = known?.rootDeviceName ?? AL2023_ROOT_DEVICE_NAME;
    const snapshotId = `snap-0${ctx.hex(16, `${id}-root`)}`;
    return {
      id,
      imageId: id,
      architecture: known?.architecture ?? "",
      arn: `arn:${ctx.partition}:ec2:${ctx.region}::image/${id}`,
      name: `offline-${id}`,
      ownerId: ctx.accountId,
      state: "available",
      rootDeviceType: "ebs",
      rootDeviceName: known ? rootDeviceName : "",
      rootSnapshotId: known ? snapshotId : "",
      blockDeviceMappings: known
        ? [
            {
              deviceName: rootDeviceName,
              virtualName: "",
              noDevice: "",
              ebs: {
                delete_on_termination: "true",
                encrypted: "false",
                iops: "3000",
                snapshot_id: snapshotId,
                throughput: "125",
                volume_size: String(known.rootSnapshotGiB ?? AL2023_ROOT_SNAPSHOT_GIB),
                volume_type: "gp3",
              },
            },
          ]
        : [],
      virtualizationType: "hvm",
      region: ctx.region,
    };
  },
  // A server's existing root volume (components/aws/root-volume.ts), by its Name and team tags:
  // aws.rootVolumes of facts.yaml, else none (a new environment), as an assumption. No match is an
  // empty list, as data source aws_ebs_volumes answers.
  "aws:ebs/getEbsVolumes:getEbsVolumes": (inputs, ctx) => {
    const tags: Record<string, string> = inputs.tags ?? {};
    const name = tags.Name;
    const filters: { name: string; values: string[] }[] = inputs.filters ?? [];
    const status = filters.find((f) => f.name === "status")?.values;
    // facts.yaml records attached volumes only: a lookup that would also match detached ones
    // cannot be answered from it.
    if (!name || !tags["delivery:team"] || status?.length !== 1 || status[0] !== "in-use")
      throw new Error(
        "the fake cloud answers aws:ebs/getEbsVolumes only for a server's attached root volume (tags Name and delivery:team, filter status=in-use)",
      );
    const known = rootVolumes(ctx);
    if (known === undefined)
      ctx.assume(
        "aws-root-volume",
        name,
        `facts.yaml lists no aws.rootVolumes: the plan assumes this server's root volume does not exist yet; pulumi up keeps an existing larger one (aws ec2 describe-volumes --filters Name=tag:Name,Values=${name} --query 'Volumes[].Size')`,
      );
    return {
      id: ctx.region,
      ids: known?.[name] === undefined ? [] : [rootVolumeId(name)],
      region: ctx.region,
    };
  },
  // One volume by id, as the lookup above answered it. Data source aws_ebs_volume fails when
  // nothing matches (internal/service/ec2/ebs_volume_data_source.go).
  "aws:ebs/getVolume:getVolume": (inputs, ctx) => {
    const filters: { name: string; values: string[] }[] = inputs.filters ?? [];
    const id = filters.find((f) => f.name === "volume-id")?.values?.[0];
    const entry = Object.entries(rootVolumes(ctx) ?? {}).find(([name]) => rootVolumeId(name) === id);
    if (!id || !entry)
      throw new Error(
        `aws:ebs/getVolume:getVolume: Your query returned no results. Please change your search criteria and try again. (no volume ${id ?? "(no volume-id filter)"} in aws.rootVolumes of facts.yaml)`,
      );
    const [name, size] = entry;
    return {
      id,
      volumeId: id,
      arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:volume/${id}`,
      availabilityZone: `${ctx.region}a`,
      encrypted: true,
      iops: 3000,
      throughput: 125,
      kmsKeyId: "",
      multiAttachEnabled: false,
      outpostArn: "",
      size,
      snapshotId: "",
      createTime: "2026-01-01T00:00:00Z",
      volumeType: "gp3",
      volumeInitializationRate: 0,
      tags: { Name: name },
      region: ctx.region,
    };
  },
  // The region's default VPC (the program filters is-default=true; an account may have none, and
  // the program then names the key): facts.yaml's aws.defaultVpcs, else one assumed.
  "aws:ec2/getVpcs:getVpcs": (inputs, ctx) => {
    const filters: { name: string; values: string[] }[] = inputs.filters ?? [];
    const isDefault = filters.find((f) => f.name === "is-default")?.values;
    if (isDefault === undefined || !isDefault.includes("true"))
      throw new Error(
        "the fake cloud answers aws:ec2/getVpcs only for the default VPC (filter is-default=true); facts.yaml records no other VPCs",
      );
    const vpc = defaultVpc(ctx);
    return { id: ctx.region, ids: vpc ? [vpc.id] : [], region: ctx.region };
  },
};

export const aws: FakeTables = { resources, calls };
