/**
 * The fake GitHub: ids, node ids, full names and URLs shaped like the real API's, for the
 * owner the explicit provider names.
 */
import type { CallFake, FakeContext, FakeTables, ResourceFake } from "./types";

const owner = (ctx: FakeContext) => String(ctx.provider.owner ?? "offline-owner");
const etag = (ctx: FakeContext) => `W/"${ctx.hex(64, "etag")}"`;
const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
const timestamp = "2024-01-01T00:00:00Z";

export const resources: Record<string, ResourceFake> = {
  "github:index/repository:Repository": (inputs, ctx) => {
    const name = String(inputs.name ?? ctx.name);
    const full = `${owner(ctx)}/${name}`;
    return {
      id: name,
      outputs: {
        name,
        fullName: full,
        nodeId: `R_kgDO${ctx.hex(8, "node").toUpperCase()}`,
        repoId: Number(ctx.digits(9)),
        htmlUrl: `https://github.com/${full}`,
        gitCloneUrl: `git://github.com/${full}.git`,
        httpCloneUrl: `https://github.com/${full}.git`,
        sshCloneUrl: `git@github.com:${full}.git`,
        svnUrl: `https://github.com/${full}`,
        visibility: inputs.visibility ?? (inputs.private ? "private" : "public"),
        private: (inputs.visibility ?? "public") !== "public",
        primaryLanguage: "",
        etag: etag(ctx),
      },
    };
  },
  "github:index/team:Team": (inputs, ctx) => {
    const id = ctx.digits(7);
    return {
      id,
      outputs: {
        slug: slugify(String(inputs.name ?? ctx.name)),
        nodeId: `T_kwDO${ctx.hex(8, "node").toUpperCase()}`,
        membersCount: 0,
        privacy: inputs.privacy ?? "secret",
        etag: etag(ctx),
      },
    };
  },
  "github:index/teamMembers:TeamMembers": (inputs, ctx) => {
    for (const m of (inputs.members ?? []) as { username?: string }[])
      if (m.username) knownUser(ctx, String(m.username), "a team member");
    return { id: String(inputs.teamId ?? inputs.teamSlug) };
  },
  "github:index/teamRepository:TeamRepository": (inputs, ctx) => ({
    id: `${inputs.teamId}:${inputs.repository}`,
    outputs: { permission: inputs.permission ?? "pull", etag: etag(ctx) },
  }),
  "github:index/repositoryFile:RepositoryFile": (inputs, ctx) => ({
    id: `${inputs.repository}/${inputs.file}`,
    outputs: {
      branch: inputs.branch ?? "main",
      ref: inputs.branch ?? "main",
      commitSha: ctx.hex(40, "commit"),
      sha: ctx.hex(40, "blob"),
      commitAuthor: inputs.commitAuthor ?? "offline-plan",
      commitEmail: inputs.commitEmail ?? "offline-plan@users.noreply.github.com",
      commitMessage: inputs.commitMessage ?? `Add ${inputs.file}`,
      repositoryId: Number(ctx.digits(9, "repo")),
    },
  }),
  "github:index/repositoryRuleset:RepositoryRuleset": (_inputs, ctx) => {
    const rulesetId = Number(ctx.digits(7));
    return {
      id: String(rulesetId),
      outputs: { rulesetId, nodeId: `RRS_lACk${ctx.hex(8, "node").toUpperCase()}`, etag: etag(ctx) },
    };
  },
  "github:index/repositoryEnvironment:RepositoryEnvironment": (inputs) => ({
    id: `${inputs.repository}:${inputs.environment}`,
  }),
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": (
    inputs,
    ctx,
  ) => ({
    id: `${inputs.repository}:${inputs.environment}:${ctx.digits(8)}`,
  }),
  "github:index/actionsVariable:ActionsVariable": (inputs) => ({
    id: `${inputs.repository}:${inputs.variableName}`,
    outputs: { createdAt: timestamp, updatedAt: timestamp },
  }),
  "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": (inputs) => ({
    id: `${inputs.repository}:${inputs.environment}:${inputs.variableName}`,
    outputs: { createdAt: timestamp, updatedAt: timestamp },
  }),
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": (inputs) => ({
    id: `${inputs.repository}:${inputs.environment}:${inputs.secretName}`,
    outputs: { createdAt: timestamp, updatedAt: timestamp },
  }),
  // A repository Actions secret (github_actions_secret): the provider's id is `<repository>:<name>`.
  "github:index/actionsSecret:ActionsSecret": (inputs) => ({
    id: `${inputs.repository}:${inputs.secretName}`,
    outputs: { createdAt: timestamp, updatedAt: timestamp },
  }),
  "github:index/branch:Branch": (inputs, ctx) => ({
    id: `${inputs.repository}:${inputs.branch}`,
    outputs: {
      ref: `refs/heads/${inputs.branch}`,
      sha: ctx.hex(40, "sha"),
      sourceBranch: inputs.sourceBranch ?? "main",
      etag: etag(ctx),
    },
  }),
  "github:index/branchDefault:BranchDefault": (inputs, ctx) => ({
    id: String(inputs.repository),
    outputs: { rename: inputs.rename ?? false, etag: etag(ctx) },
  }),
};

/** Whether facts.yaml describes this organization (facts about another owner confirm nothing). */
const orgFacts = (ctx: FakeContext) => {
  const gh = ctx.facts.github;
  return gh && gh.owner.toLowerCase() === owner(ctx).toLowerCase() ? gh : undefined;
};

/** Records an assumption unless facts.yaml lists the login as a member of the organization. */
function knownUser(ctx: FakeContext, login: string, role: string): void {
  const gh = orgFacts(ctx);
  if (gh?.users.some((u) => u.toLowerCase() === login.toLowerCase())) return;
  ctx.assume(
    "github-user",
    login,
    gh
      ? `${role}: not among github.users of facts.yaml for ${gh.owner}; GitHub refuses an unknown login (a typo fails pulumi up)`
      : `${role}: facts.yaml describes no GitHub organization ${owner(ctx)}, so no login is confirmed`,
  );
}

/** Records an assumption unless facts.yaml lists the team. */
function knownTeam(ctx: FakeContext, slug: string): void {
  const gh = orgFacts(ctx);
  if (gh?.teams.some((t) => t.toLowerCase() === slug.toLowerCase())) return;
  ctx.assume(
    "github-team",
    `${owner(ctx)}/${slug}`,
    gh
      ? `not among github.teams of facts.yaml for ${gh.owner}; the lookup fails in pulumi up if the team does not exist`
      : `facts.yaml describes no GitHub organization ${owner(ctx)}, so no team is confirmed`,
  );
}

export const calls: Record<string, CallFake> = {
  "github:index/getUser:getUser": (inputs, ctx) => {
    const login = String(inputs.username ?? "offline-user");
    knownUser(ctx, login, "looked up as a reviewer");
    return {
      id: ctx.digits(8, login),
      login,
      username: login,
      name: login,
      nodeId: `U_kgDO${ctx.hex(8, login).toUpperCase()}`,
      avatarUrl: `https://avatars.githubusercontent.com/u/${ctx.digits(8, login)}`,
      gpgKeys: [],
      sshKeys: [],
      createdAt: timestamp,
      updatedAt: timestamp,
    };
  },
  "github:index/getTeam:getTeam": (inputs, ctx) => {
    const slug = String(inputs.slug ?? "offline-team");
    knownTeam(ctx, slug);
    return {
      id: ctx.digits(7, slug),
      nodeId: `T_kwDO${ctx.hex(8, slug).toUpperCase()}`,
      name: slug,
      slug,
      description: "",
      privacy: "closed",
      permission: "pull",
      notificationSetting: "notifications_enabled",
      members: [],
      repositories: [],
      repositoriesDetaileds: [],
    };
  },
};

export const github: FakeTables = { resources, calls };
