import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import {
  bootDocument,
  bootDocumentName,
  deployDocument,
  documentContent,
  documentNameProblem,
} from "./agent-documents";
import type { AgentSiteSettings, EnvironmentSettings } from "./deploy-agent";
import { deployDocumentName } from "./names";

export interface AgentSite {
  /** The service name: its deploy document is `deployDocumentName(team, environment, service)`. */
  readonly service: string;
  /** The site's agent settings, but the registry. */
  readonly settings: Omit<AgentSiteSettings, "registry">;
  /** The service's repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<team>/<service>`). */
  readonly registry: pulumi.Input<string>;
}

export interface AgentDeliveryArgs {
  readonly team: string;
  readonly environment: string;
  /** The environment's services, each a site of the proxy. */
  readonly sites: readonly AgentSite[];
  /**
   * What the server's sites share (region, log group, Docker config directory): needed when
   * `sites` is empty (previews' own server boots with the agent installed and nothing deployed).
   * @default the first site's
   */
  readonly environmentSettings?: EnvironmentSettings;
}

/**
 * The deploy agent delivered as SSM Command documents (agent-documents.ts): one deploy document per
 * service, which CI runs, and the environment's boot document, which the server's association runs
 * (EnvironmentServer). Documents hold no history: a change replaces their content in place, as a
 * new default version.
 */
export class AgentDelivery extends pulumi.ComponentResource {
  /** Per service: the deploy document's name. */
  public readonly deployDocuments: Record<string, string>;
  public readonly deployDocumentArns: Record<string, pulumi.Output<string>>;
  public readonly bootDocumentName: pulumi.Output<string>;
  /** The boot document's default version: the association pins it, so a change runs it again. */
  public readonly bootDocumentVersion: pulumi.Output<string>;

  constructor(name: string, args: AgentDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:AgentDelivery", name, {}, opts);
    const tags = { environment: args.environment, "delivery:team": args.team };
    this.deployDocuments = {};
    this.deployDocumentArns = {};
    const settings = args.sites.map((s) =>
      pulumi.output(s.registry).apply((registry): AgentSiteSettings => ({ ...s.settings, registry })),
    );
    args.sites.forEach((s, i) => {
      const docName = deployDocumentName(args.team, args.environment, s.service);
      const problem = documentNameProblem(docName);
      if (problem) throw new Error(`service ${s.service}: ${problem}`);
      this.deployDocuments[s.service] = docName;
      const doc = new aws.ssm.Document(
        `${name}-${s.service}-deploy`,
        {
          name: docName,
          documentType: "Command",
          documentFormat: "JSON",
          targetType: "/AWS::EC2::Instance",
          content: settings[i].apply((site) => documentContent(deployDocument(site))),
          tags: { ...tags, service: s.service },
        },
        { parent: this },
      );
      this.deployDocumentArns[s.service] = doc.arn;
    });
    const bootName = bootDocumentName(args.team, args.environment);
    const problem = documentNameProblem(bootName);
    if (problem) throw new Error(problem);
    const boot = new aws.ssm.Document(
      `${name}-boot`,
      {
        name: bootName,
        documentType: "Command",
        documentFormat: "JSON",
        targetType: "/AWS::EC2::Instance",
        content: pulumi
          .all(settings)
          .apply((sites) => documentContent(bootDocument(args.environment, sites, args.environmentSettings))),
        tags,
      },
      { parent: this },
    );
    this.bootDocumentName = boot.name;
    this.bootDocumentVersion = boot.defaultVersion;
    this.registerOutputs({
      deployDocuments: this.deployDocuments,
      bootDocumentName: this.bootDocumentName,
      bootDocumentVersion: this.bootDocumentVersion,
    });
  }
}
