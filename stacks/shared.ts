/**
 * The shared stack: what exists once per team. Repositories, team access, rulesets and
 * workflow files on GitHub; the container registry, the GitHub OIDC provider and the CI build
 * role on AWS. Environment stacks read its outputs through a StackReference.
 *
 * GitHub and AWS components never import each other; they meet here.
 */
import type { StackContext } from "./config";
import { createProviders, type Providers } from "./providers";
import * as docker from "@pulumi/docker";
import {
  BootstrapImage,
  BuildRole,
  ContainerRegistry,
  GithubOidcProvider,
  invokeScope,
} from "../components/aws";
import { RepositoryRulesets, TeamRepositories } from "../components/github";
import { ServicePipelines } from "../components/pipeline";
import { REPOSITORY_SECRETS, REPOSITORY_VARIABLES } from "../components/release";
import { stableServiceKey } from "../components/team";

/**
 * The shared stack's outputs that environment stacks read through their StackReference
 * (stacks/environment.ts reads no other name: its reads are typed by this list).
 */
export const SHARED_OUTPUTS_READ_BY_ENVIRONMENTS = ["team", "aws"] as const;
export type SharedOutputName = (typeof SHARED_OUTPUTS_READ_BY_ENVIRONMENTS)[number];

/**
 * The AWS section of the shared stack: a registry per service, the OIDC provider, a build role per
 * repository and the bootstrap images. {@link sharedStack} runs it first, and so does
 * {@link sharedReferencedOutputs}: what environment stacks read comes from this one function.
 */
function sharedAws(ctx: StackContext, providers: Providers) {
  const { spec } = ctx;
  // --- AWS (components/aws): registry per service, OIDC provider, build role -----------------
  const awsOpts = { provider: providers.aws };
  const registries = Object.fromEntries(
    spec.services.map((s) => [
      s.name,
      new ContainerRegistry(
        `${spec.name}-${stableServiceKey(s)}`,
        {
          team: spec.name,
          service: stableServiceKey(s),
          policy: ctx.policy,
          registry: spec.registry,
          adopt: ctx.adopt.includes(stableServiceKey(s)),
        },
        awsOpts,
      ),
    ]),
  );
  const oidcProvider = new GithubOidcProvider(
    `${spec.name}-github-oidc`,
    { existingArn: spec.aws.oidcProviderArn },
    awsOpts,
  );
  const scope = invokeScope({ provider: providers.aws });
  // One build role per repository (one OIDC door each), named by the service's stable key so a
  // rename keeps it; it trusts the repository's current name and pushes only to its registry.
  const buildRoles = Object.fromEntries(
    spec.services.map((s) => [
      s.name,
      new BuildRole(
        `${spec.name}-${stableServiceKey(s)}-build`,
        {
          team: spec.name,
          service: stableServiceKey(s),
          policy: ctx.policy,
          repository: { owner: spec.github.owner, name: s.name },
          oidcProviderArn: oidcProvider.arn,
          region: spec.aws.region,
          registry: registries[s.name].repositoryName,
          scope,
        },
        awsOpts,
      ),
    ]),
  );
  // The placeholder is built once per service here; environment stacks start their release
  // parameters at its digest (and need no Docker engine themselves).
  const dockerProvider = spec.release.bootstrapImage ? new docker.Provider("docker", {}) : undefined;
  const bootstrapImages = dockerProvider
    ? Object.fromEntries(
        spec.services.map((s) => [
          s.name,
          new BootstrapImage(
            `${spec.name}-${stableServiceKey(s)}-bootstrap`,
            {
              service: { name: s.name, port: s.port, healthCheckPath: s.healthCheckPath },
              repositoryUrl: registries[s.name].repositoryUrl,
              registryId: registries[s.name].repository.registryId,
            },
            { providers: [providers.aws, dockerProvider] },
          ).imageReference,
        ]),
      )
    : {};
  // What the GitHub section (repository variables) and the environment stacks read.
  return {
    region: spec.aws.region,
    oidcProviderArn: oidcProvider.arn,
    buildRoleArns: Object.fromEntries(Object.entries(buildRoles).map(([service, r]) => [service, r.arn])),
    registries: Object.fromEntries(
      Object.entries(registries).map(([service, r]) => [
        service,
        { url: r.repositoryUrl, arn: r.repositoryArn, name: r.repositoryName },
      ]),
    ),
    bootstrapImages,
  };
}

/**
 * The shared stack's program reduced to the outputs environment stacks read
 * ({@link SHARED_OUTPUTS_READ_BY_ENVIRONMENTS}): the same providers and AWS section that
 * {@link sharedStack} registers first, without the GitHub and pipeline sections. The offline plan
 * runs it to answer an environment stack's StackReference without planning every repository,
 * file and ruleset of the team (plan/runner.ts); a test holds its outputs equal to the full stack's.
 */
export async function sharedReferencedOutputs(ctx: StackContext): Promise<Record<SharedOutputName, unknown>> {
  const awsShared = sharedAws(ctx, createProviders(ctx));
  return { team: ctx.spec.name, aws: awsShared };
}

export async function sharedStack(ctx: StackContext): Promise<Record<string, unknown>> {
  const { spec } = ctx;
  const providers = createProviders(ctx);

  const awsShared = sharedAws(ctx, providers);

  // --- GitHub (components/github): repositories, team, CODEOWNERS, rulesets, repo variables ---
  const githubTeam = new TeamRepositories(
    spec.name,
    {
      spec,
      policy: ctx.policy,
      // A variable whose value is undefined is not created.
      variables: Object.fromEntries(
        spec.services.map((s) => [
          s.name,
          {
            [REPOSITORY_VARIABLES.awsRegion]: awsShared.region,
            [REPOSITORY_VARIABLES.registryUrl]: awsShared.registries[s.name].url,
            [REPOSITORY_VARIABLES.buildRoleArn]: awsShared.buildRoleArns[s.name],
          },
        ]),
      ),
      // Read by jobs outside any environment (the final `notify`, `sonar` on pull requests); an
      // unconfigured one (undefined) is not created.
      secrets: {
        [REPOSITORY_SECRETS.slackWebhookUrl]: ctx.secrets.slackWebhookUrl,
        [REPOSITORY_SECRETS.sonarToken]: ctx.secrets.sonarToken,
      },
      // The required `sonar` check also runs on Dependabot's pull requests, which see only
      // Dependabot secrets. Slack's webhook is not needed there: `notify` runs on deploys.
      dependabotSecrets: { [REPOSITORY_SECRETS.sonarToken]: ctx.secrets.sonarToken },
    },
    { provider: providers.github },
  );

  // --- Pipeline (components/pipeline): workflow files committed to each repository ------------
  // Workflows name only environments, vars.* and secrets.*: no environment stack output needed.
  // Every branch that triggers or gates anything gets them, once the branch exists.
  const pipelines = new ServicePipelines(
    `${spec.name}-pipeline`,
    {
      spec,
      policy: ctx.policy,
      repositories: Object.fromEntries(
        spec.services.map((s) => [s.name, githubTeam.repositoryNames.apply((names) => names[s.name])]),
      ),
      branches: githubTeam.branches,
    },
    { provider: providers.github },
  );

  // --- Rulesets (components/github), last: after every file committed straight to a branch ----
  for (const s of spec.services) {
    new RepositoryRulesets(
      `${spec.name}-${s.name}`,
      {
        spec,
        policy: ctx.policy,
        repository: githubTeam.repositories[s.name],
        maintainersTeamId: githubTeam.access.maintainersTeam.id,
        maintainersTeamSlug: githubTeam.access.maintainersTeamSlug,
        automationAppId: ctx.secrets.githubApp ? Number(ctx.secrets.githubApp.id) : undefined,
        after: pipelines.resources[s.name],
        previousNames: s.formerNames.map((former) => `${spec.name}-${former}`),
      },
      // Beside the repository it protects, under the team's GitHub component.
      { provider: providers.github, parent: githubTeam },
    );
  }

  return {
    team: spec.name,
    githubOwner: spec.github.owner,
    branchModel: ctx.policy.model,
    services: spec.services.map((s) => s.name),
    repositories: githubTeam.repositoryNames,
    workflowFiles: pipelines.files,
    aws: awsShared,
  };
}
