import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { OIDC_AUDIENCE, OIDC_ISSUER_HOST } from "../release";

export interface GithubOidcProviderArgs {
  /**
   * ARN of the account's existing provider for token.actions.githubusercontent.com. IAM allows
   * one provider per URL and account, so a second team in the same account passes the first
   * team's provider here instead of creating (and colliding with) its own.
   * @default a provider is created
   */
  readonly existingArn?: string;
}

/**
 * GitHub Actions' OIDC identity provider in IAM, audience `sts.amazonaws.com`. No thumbprints:
 * IAM validates GitHub's tokens against its own trusted CAs and ignores them, and the provider
 * no longer requires the field.
 */
export class GithubOidcProvider extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;
  /** True when this stack created (and owns) the provider. */
  public readonly created: boolean;

  constructor(name: string, args: GithubOidcProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:GithubOidcProvider", name, {}, opts);
    this.created = args.existingArn === undefined;
    if (args.existingArn !== undefined) {
      this.arn = pulumi.output(args.existingArn);
    } else {
      const provider = new aws.iam.OpenIdConnectProvider(
        `${name}-provider`,
        { url: `https://${OIDC_ISSUER_HOST}`, clientIdLists: [OIDC_AUDIENCE] },
        // Every role of the team trusts it: removing it by accident would lock CI out.
        { parent: this, protect: true },
      );
      this.arn = provider.arn;
    }
    this.registerOutputs({ arn: this.arn });
  }
}
