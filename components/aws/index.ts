export * from "./arns";
export * from "./names";
export * from "./lifecycle";
export * from "./iam-documents";
export * from "./deploy-agent";
export * from "./user-data";
export * from "./bootstrap";
export { invokeScope, type ProviderScope } from "./scope";
export { ContainerRegistry, type ContainerRegistryArgs } from "./container-registry";
export { GithubOidcProvider, type GithubOidcProviderArgs } from "./github-oidc-provider";
export { type RepositoryRoleArgs } from "./ci-role";
export { BuildRole, type BuildRoleArgs } from "./build-role";
export { DeployRole, type DeployRoleArgs } from "./deploy-role";
export { PreviewRole, type PreviewRoleArgs } from "./preview-role";
export { ClusterPreviewRole, type ClusterPreviewRoleArgs } from "./cluster-preview-role";
export {
  EnvironmentServer,
  type EnvironmentServerArgs,
  type ServerService,
  defaultInstanceType,
  publicUrl,
} from "./environment-server";
export * from "./agent-documents";
export * from "./proxy";
export * from "./units";
export { AgentDelivery, type AgentDeliveryArgs, type AgentSite } from "./agent-delivery";
export { ServiceConfig, type ServiceConfigArgs, configPath } from "./service-config";
export { ReleaseParameter, type ReleaseParameterArgs } from "./release-parameter";
export { BootstrapImage, type BootstrapImageArgs } from "./bootstrap-image";

/** The shared stack's `aws` output, as environment stacks read it through a StackReference. */
export interface SharedAwsOutputs {
  readonly region: string;
  readonly oidcProviderArn: string;
  /** Per service (current name): the repository's own build role. */
  readonly buildRoleArns: Record<string, string>;
  /** Per service. */
  readonly registries: Record<string, { readonly url: string; readonly arn: string; readonly name: string }>;
  /** Per service, `<repository>@sha256:…`; empty when `release.bootstrapImage` is false. */
  readonly bootstrapImages?: Record<string, string>;
}
