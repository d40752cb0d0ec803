/**
 * The bash the generated steps run. Each script reads its inputs from environment variables
 * that the step's `env:` sets, so no `${{ }}` expression is ever expanded into shell source
 * (GitHub's script-injection hardening) and every script passes shellcheck as written.
 *
 * Scripts are composed from line arrays; the YAML around them is built as data.
 */

const STRICT = ["set -euo pipefail"];

function script(...parts: readonly (readonly string[])[]): string {
  return [...STRICT, ...parts.flat()].join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Guard: the exact regex check before anything deploys.

/**
 * Env: REF_TYPE, REF_NAME, COMMIT_SHA, TRIGGER_KIND, TRIGGER_REGEX, TRIGGER_LABEL,
 * OTHER_REGEX (refs another deployment of the same kind owns; may be empty),
 * BUILD_IMAGE_TAG_PREFIX, TARGET_ENVIRONMENT. Outputs `deploy` and `version`.
 *
 * fnmatch triggers are coarser than the policy's regexes (`v*.*.*` also fires for an rc tag),
 * so a ref another deployment owns ends the run quietly; any other ref fails loudly.
 */
export const GUARD = script([
  'if [[ "$REF_TYPE" == "$TRIGGER_KIND" && "$REF_NAME" =~ $TRIGGER_REGEX ]]; then',
  '  if [[ "$TRIGGER_KIND" == "tag" ]]; then',
  '    version="$REF_NAME"',
  "  else",
  '    version="${BUILD_IMAGE_TAG_PREFIX}${COMMIT_SHA}"',
  "  fi",
  '  echo "deploy=true" >> "$GITHUB_OUTPUT"',
  '  echo "version=$version" >> "$GITHUB_OUTPUT"',
  '  echo "$REF_TYPE $REF_NAME is a $TRIGGER_LABEL: deploying $version to $TARGET_ENVIRONMENT"',
  'elif [[ "$REF_TYPE" == "$TRIGGER_KIND" && -n "$OTHER_REGEX" && "$REF_NAME" =~ $OTHER_REGEX ]]; then',
  '  echo "deploy=false" >> "$GITHUB_OUTPUT"',
  '  echo "$REF_TYPE $REF_NAME belongs to another environment: nothing to deploy to $TARGET_ENVIRONMENT"',
  "else",
  '  echo "::error::$REF_TYPE $REF_NAME is not a $TRIGGER_LABEL (must match $TRIGGER_REGEX): refusing to deploy to $TARGET_ENVIRONMENT"',
  "  exit 1",
  "fi",
]);

/**
 * Env: BASE_REF, HEAD_REF, SOURCE_REGEX, SOURCE_LABEL. A pull request into a promotion
 * branch must come from the one branch the policy allows (rulesets cannot say so).
 */
export const PR_SOURCE = script([
  'if [[ "$HEAD_REF" =~ $SOURCE_REGEX ]]; then',
  '  echo "$HEAD_REF may open pull requests into $BASE_REF"',
  "else",
  '  echo "::error::pull requests into $BASE_REF must come from the $SOURCE_LABEL, not $HEAD_REF"',
  "  exit 1",
  "fi",
]);

// ---------------------------------------------------------------------------------------------
// Checks.

/** Env: none. Runs the repository's own `.pre-commit-config.yaml`, the hooks developers run. */
export function preCommitRun(preCommitVersion: string): string {
  return script([
    `python -m pip install --disable-pip-version-check "pre-commit==${preCommitVersion}"`,
    "pre-commit run --all-files --show-diff-on-failure --color=always",
  ]);
}

export const NPM_CI = script(["npm ci --no-audit --no-fund"]);

/** Env: COVERAGE_THRESHOLD. */
export function nodeTest(c8Version: string): string {
  return script([
    "npm ci --no-audit --no-fund",
    `npx --yes "c8@${c8Version}" --check-coverage --lines "$COVERAGE_THRESHOLD" npm test`,
  ]);
}

/** Env: COVERAGE_THRESHOLD. */
export function pythonTest(pytestVersion: string, pytestCovVersion: string): string {
  return script([
    "for requirements in requirements.txt requirements-dev.txt; do",
    '  if [[ -f "$requirements" ]]; then',
    '    python -m pip install --disable-pip-version-check -r "$requirements"',
    "  fi",
    "done",
    `python -m pip install --disable-pip-version-check "pytest==${pytestVersion}" "pytest-cov==${pytestCovVersion}"`,
    'python -m pytest --cov=. --cov-report=term-missing --cov-fail-under="$COVERAGE_THRESHOLD"',
  ]);
}

/** Env: COVERAGE_THRESHOLD. */
export const GO_TEST = script([
  "go test -race -coverprofile=coverage.out ./...",
  'total="$(go tool cover -func=coverage.out | awk \'/^total:/ { sub("%", "", $3); print $3 }\')"',
  'echo "line coverage ${total}% (required ${COVERAGE_THRESHOLD}%)"',
  'if ! awk -v total="$total" -v min="$COVERAGE_THRESHOLD" \'BEGIN { exit !(total + 0 >= min + 0) }\'; then',
  '  echo "::error::line coverage ${total}% is below ${COVERAGE_THRESHOLD}%"',
  "  exit 1",
  "fi",
]);

/** A command from the team spec, run as written; COVERAGE_THRESHOLD is in its environment. */
export function customCommand(command: string): string {
  return script([command]);
}

/** Env: DOCKERFILE, IMAGE_NAME. Builds without pushing: no registry, no credentials. */
export const DOCKER_BUILD_CHECK = script([
  'docker build --file "$DOCKERFILE" --tag "$IMAGE_NAME:pull-request" .',
]);

export const NPM_AUDIT = script(["npm audit --omit=dev --audit-level=high"]);

export function pipAudit(version: string): string {
  return script([
    `python -m pip install --disable-pip-version-check "pip-audit==${version}"`,
    "if [[ -f requirements.txt ]]; then",
    "  pip-audit --requirement requirements.txt",
    "else",
    "  pip-audit .",
    "fi",
  ]);
}

export function govulncheck(version: string): string {
  return script([`go run "golang.org/x/vuln/cmd/govulncheck@${version}" ./...`]);
}

// ---------------------------------------------------------------------------------------------
// Images. REGISTRY_URL is `<account>.dkr.ecr.<region>.amazonaws.com/<repository>`.

const REGISTRY_LIB = [
  'repository="${REGISTRY_URL#*/}"',
  "digest_of() {",
  '  aws ecr describe-images --repository-name "$repository" --image-ids "$1" \\',
  "    --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true",
  "}",
  "found() {",
  '  [[ -n "$1" && "$1" != "None" ]]',
  "}",
];

const RETAG_LIB = [
  // ECR returns a manifest only in the media types a caller accepts; accept every image kind.
  "media_types=(",
  "  application/vnd.docker.distribution.manifest.v2+json",
  "  application/vnd.docker.distribution.manifest.list.v2+json",
  "  application/vnd.oci.image.manifest.v1+json",
  "  application/vnd.oci.image.index.v1+json",
  ")",
  // Adds a tag to a digest through the API (no pull, no push of layers). Tags are immutable:
  // the tag already on this digest is success (a re-run), on another digest a failure.
  "tag_digest() {",
  '  local digest="$1" tag="$2" existing manifest media_type',
  '  existing="$(digest_of "imageTag=$tag")"',
  '  if found "$existing"; then',
  '    if [[ "$existing" != "$digest" ]]; then',
  '      echo "::error::$tag already names $existing, not $digest: tags are immutable"',
  "      return 1",
  "    fi",
  '    echo "$tag already names $digest"',
  "    return 0",
  "  fi",
  '  manifest="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" \\',
  '    --accepted-media-types "${media_types[@]}" --query \'images[0].imageManifest\' --output text)"',
  '  media_type="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" \\',
  '    --accepted-media-types "${media_types[@]}" --query \'images[0].imageManifestMediaType\' --output text)"',
  '  if ! aws ecr put-image --repository-name "$repository" --image-tag "$tag" --image-digest "$digest" \\',
  '    --image-manifest "$manifest" --image-manifest-media-type "$media_type" > /dev/null; then',
  // A concurrent run may have added the same tag meanwhile: what the registry now holds decides.
  '    existing="$(digest_of "imageTag=$tag")"',
  '    if [[ "$existing" != "$digest" ]]; then',
  '      echo "::error::could not tag $digest as $tag (the registry has $tag as ${existing:-nothing})"',
  "      return 1",
  "    fi",
  "  fi",
  '  echo "tagged $digest as $tag"',
  "}",
  "retag() {",
  '  local source_tag="$1" target_tag="$2" source_digest',
  '  source_digest="$(digest_of "imageTag=$source_tag")"',
  '  if ! found "$source_digest"; then',
  '    echo "::error::image $source_tag is not in $repository: nothing to promote"',
  "    return 1",
  "  fi",
  '  tag_digest "$source_digest" "$target_tag"',
  '  echo "promoted $source_tag ($source_digest) as $target_tag without rebuilding"',
  '  echo "digest=$source_digest" >> "$GITHUB_OUTPUT"',
  "}",
];

/**
 * Env: REGISTRY_URL, VERSION (`sha-<commit>`), DOCKERFILE, COMMIT_SHA. Builds once: a re-run
 * finds the tag (tags are immutable) and reuses it. Outputs `digest`.
 */
export const BUILD_AND_PUSH = script(REGISTRY_LIB, [
  'existing="$(digest_of "imageTag=$VERSION")"',
  'if found "$existing"; then',
  '  echo "$VERSION was already built as $existing: not rebuilding"',
  '  echo "digest=$existing" >> "$GITHUB_OUTPUT"',
  "  exit 0",
  "fi",
  'aws ecr get-login-password | docker login --username AWS --password-stdin "${REGISTRY_URL%%/*}"',
  'docker build --file "$DOCKERFILE" --tag "$REGISTRY_URL:$VERSION" \\',
  '  --label "org.opencontainers.image.revision=$COMMIT_SHA" \\',
  '  --label "org.opencontainers.image.source=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" .',
  'docker push "$REGISTRY_URL:$VERSION"',
  'digest="$(digest_of "imageTag=$VERSION")"',
  'if ! found "$digest"; then',
  '  echo "::error::pushed $VERSION but the registry does not show it"',
  "  exit 1",
  "fi",
  'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
]);

/** Env: REGISTRY_URL, BUILT_DIGEST. The image the build job pushed, checked to exist. */
export const USE_BUILT_IMAGE = script(REGISTRY_LIB, [
  'digest="$(digest_of "imageDigest=$BUILT_DIGEST")"',
  'if ! found "$digest"; then',
  '  echo "::error::image $BUILT_DIGEST is not in $repository"',
  "  exit 1",
  "fi",
  'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
]);

/** Env: REGISTRY_URL, VERSION (the tag), COMMIT_SHA, BUILD_IMAGE_TAG_PREFIX. */
export const PROMOTE_COMMIT = script(REGISTRY_LIB, RETAG_LIB, [
  'retag "${BUILD_IMAGE_TAG_PREFIX}${COMMIT_SHA}" "$VERSION"',
]);

/**
 * Env: REGISTRY_URL, VERSION (`sha-<merge commit>`), COMMIT_SHA, BUILD_IMAGE_TAG_PREFIX, GH_TOKEN,
 * GH_REPO. The merged branch's head is the merge commit's second parent.
 */
export const PROMOTE_MERGE_PARENT = script(REGISTRY_LIB, RETAG_LIB, [
  'parent="$(gh api "repos/$GH_REPO/commits/$COMMIT_SHA" --jq \'.parents[1].sha // empty\')"',
  'if [[ -z "$parent" ]]; then',
  '  echo "::error::$COMMIT_SHA is not a merge commit: only a merged pull request promotes an image"',
  "  exit 1",
  "fi",
  'retag "${BUILD_IMAGE_TAG_PREFIX}${parent}" "$VERSION"',
]);

/**
 * Env: REGISTRY_URL, VERSION (`vX.Y.Z`), RC_REGEX. Promotes the newest release candidate
 * of VERSION (numeric order: rc.10 after rc.9); fails if there is none.
 */
export const PROMOTE_LATEST_RC = script(REGISTRY_LIB, RETAG_LIB, [
  'listing="$(aws ecr list-images --repository-name "$repository" --filter tagStatus=TAGGED --query \'imageIds[].imageTag\' --output json)"',
  "mapfile -t tags < <(jq -r '.[]' <<< \"$listing\")",
  'newest=""',
  "newest_n=-1",
  'for tag in "${tags[@]}"; do',
  // An rc of VERSION: an rc tag that starts with VERSION followed by a dash (v1.2.3 is not v1.2.30).
  '  if [[ "$tag" =~ $RC_REGEX && "${tag:0:${#VERSION}}" == "$VERSION" && "${tag:${#VERSION}:1}" == "-" ]]; then',
  "    n=$((10#${tag##*.}))",
  "    if (( n > newest_n )); then",
  '      newest="$tag"',
  "      newest_n=$n",
  "    fi",
  "  fi",
  "done",
  'if [[ -z "$newest" ]]; then',
  '  echo "::error::no release candidate of $VERSION in $repository: tag and deploy an rc of $VERSION first"',
  "  exit 1",
  "fi",
  'echo "newest release candidate of $VERSION: $newest"',
  'retag "$newest" "$VERSION"',
]);

/**
 * Env: REGISTRY_URL, VERSION, VERSION_REGEXES (newline-separated exact rules). Rollback: the
 * version must be a known kind of tag and exist in the registry. Outputs `digest`.
 */
export const FIND_VERSION = script(REGISTRY_LIB, [
  "known=false",
  "while IFS= read -r rule; do",
  '  if [[ -n "$rule" && "$VERSION" =~ $rule ]]; then',
  "    known=true",
  "  fi",
  'done <<< "$VERSION_REGEXES"',
  'if [[ "$known" != true ]]; then',
  '  echo "::error::$VERSION is not a release tag or build tag"',
  "  exit 1",
  "fi",
  'digest="$(digest_of "imageTag=$VERSION")"',
  'if ! found "$digest"; then',
  '  echo "::error::$VERSION is not in $repository: nothing to roll back to"',
  "  exit 1",
  "fi",
  'echo "rolling back to $VERSION ($digest)"',
  'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
]);

// ---------------------------------------------------------------------------------------------
// Deploy.

/** Env: RELEASE_PARAMETER_NAME, REGISTRY_URL, IMAGE_DIGEST. The image by digest, never by tag. */
export const WRITE_RELEASE_PARAMETER = script([
  'image="$REGISTRY_URL@$IMAGE_DIGEST"',
  'aws ssm put-parameter --name "$RELEASE_PARAMETER_NAME" --value "$image" --type String --overwrite > /dev/null',
  'echo "$RELEASE_PARAMETER_NAME = $image"',
]);

/**
 * Env: SERVER_INSTANCE_IDS (comma- or space-separated), AGENT_COMMAND, AGENT_ACTION, SERVICE,
 * VERSION. Runs the agent through SSM Run Command, waits for every server, prints what the
 * agent printed, and fails if any server did not succeed.
 */
export const RUN_DEPLOY_AGENT = script([
  'read -r -a instances <<< "${SERVER_INSTANCE_IDS//,/ }"',
  "if (( ${#instances[@]} == 0 )); then",
  '  echo "::error::no servers to deploy to (the environment variable of server ids is empty)"',
  "  exit 1",
  "fi",
  'parameters="$(jq -cn --arg command "$AGENT_COMMAND $AGENT_ACTION $SERVICE" \'{commands: [$command]}\')"',
  'command_id="$(aws ssm send-command --document-name AWS-RunShellScript \\',
  '  --instance-ids "${instances[@]}" --parameters "$parameters" \\',
  '  --comment "$AGENT_ACTION $SERVICE $VERSION" --timeout-seconds 600 \\',
  '  --query Command.CommandId --output text)"',
  'echo "SSM command $command_id on ${instances[*]}"',
  "deadline=$((SECONDS + 900))",
  "failed=0",
  'for instance in "${instances[@]}"; do',
  "  while true; do",
  '    status="$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \\',
  '      --query Status --output text 2>/dev/null || echo Pending)"',
  '    case "$status" in',
  "      Pending | InProgress | Delayed) ;;",
  "      *) break ;;",
  "    esac",
  "    if (( SECONDS > deadline )); then",
  '      status="still $status after 15 minutes"',
  "      break",
  "    fi",
  "    sleep 5",
  "  done",
  '  echo "::group::$instance: $status"',
  '  aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \\',
  "    --query '[StandardOutputContent, StandardErrorContent]' --output text || true",
  '  echo "::endgroup::"',
  '  if [[ "$status" != "Success" ]]; then',
  '    echo "::error::$AGENT_COMMAND $AGENT_ACTION $SERVICE on $instance: $status"',
  "    failed=1",
  "  fi",
  "done",
  'exit "$failed"',
]);

/**
 * Env: REGISTRY_URL, IMAGE_DIGEST, VERSION, RELEASED_IMAGE_TAG_PREFIX. Tags the digest production
 * now runs `<prefix><version>`, the one tag the registry's lifecycle policy keeps images by. A re-run,
 * or a rollback to an image production ran before, finds the marker on the same digest: success.
 */
export const MARK_RELEASED = script(REGISTRY_LIB, RETAG_LIB, [
  'tag_digest "$IMAGE_DIGEST" "${RELEASED_IMAGE_TAG_PREFIX}${VERSION}"',
]);

/** Env: PUBLIC_URL, HEALTH_PATH. */
export const SMOKE_TEST = script([
  'url="${PUBLIC_URL%/}$HEALTH_PATH"',
  'echo "GET $url"',
  "curl --fail --silent --show-error --location --max-time 10 --retry 12 --retry-delay 5 --retry-all-errors \\",
  "  --output /dev/null --write-out 'HTTP %{http_code}\\n' \"$url\"",
]);

/** Env: TARGET_URL, REGRESSION_SUITE. The service's own regression suite, when it has one. */
export const REGRESSION_SUITE = script([
  'if [[ -x "$REGRESSION_SUITE" ]]; then',
  '  "$REGRESSION_SUITE" "$TARGET_URL"',
  "else",
  '  echo "::notice::no executable $REGRESSION_SUITE in this repository: regression suite skipped"',
  "fi",
]);

/** Env: GH_TOKEN, GH_REPO, VERSION, SERVICE. Idempotent: a re-run finds the release. */
export const GITHUB_RELEASE = script([
  'if gh release view "$VERSION" > /dev/null 2>&1; then',
  '  echo "release $VERSION exists"',
  "  exit 0",
  "fi",
  'gh release create "$VERSION" --verify-tag --generate-notes --title "$SERVICE $VERSION"',
]);

// ---------------------------------------------------------------------------------------------
// Notifications: off cleanly when the environment has no secret.

/** Env: SLACK_WEBHOOK, OUTCOME, SERVICE, VERSION, TARGET_ENVIRONMENT, PUBLIC_URL, ACTOR. */
export const SLACK_NOTIFY = script([
  'if [[ -z "$SLACK_WEBHOOK" ]]; then',
  '  echo "no Slack webhook for $TARGET_ENVIRONMENT: not notifying"',
  "  exit 0",
  "fi",
  'run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"',
  'text="$SERVICE $VERSION to $TARGET_ENVIRONMENT $OUTCOME ($PUBLIC_URL) by $ACTOR: $run_url"',
  'payload="$(jq -cn --arg text "$text" \'{text: $text}\')"',
  "curl --fail --silent --show-error --max-time 10 -H 'Content-Type: application/json' \\",
  '  --data "$payload" "$SLACK_WEBHOOK" > /dev/null',
  'echo "Slack: $text"',
]);

/**
 * Env: SENTRY_TOKEN, SENTRY_URL, SENTRY_ORG, SENTRY_PROJECT, SENTRY_ENV, SERVICE, VERSION,
 * COMMIT_SHA, TARGET_ENVIRONMENT. A release `<service>@<version>` and a deploy marker on it.
 */
export const SENTRY_MARKERS = script([
  'if [[ -z "$SENTRY_TOKEN" ]]; then',
  '  echo "no Sentry token for $TARGET_ENVIRONMENT: no release markers"',
  "  exit 0",
  "fi",
  'release="$SERVICE@$VERSION"',
  'encoded="$(jq -rn --arg v "$release" \'$v | @uri\')"',
  'api="${SENTRY_URL%/}/api/0/organizations/$SENTRY_ORG/releases"',
  'release_body="$(jq -cn --arg v "$release" --arg p "$SENTRY_PROJECT" --arg c "$COMMIT_SHA" \'{version: $v, projects: [$p], ref: $c}\')"',
  'deploy_body="$(jq -cn --arg e "${SENTRY_ENV:-$TARGET_ENVIRONMENT}" \'{environment: $e}\')"',
  'curl --fail --silent --show-error --max-time 20 -H "Authorization: Bearer $SENTRY_TOKEN" \\',
  '  -H \'Content-Type: application/json\' --data "$release_body" "$api/" > /dev/null',
  'curl --fail --silent --show-error --max-time 20 -H "Authorization: Bearer $SENTRY_TOKEN" \\',
  '  -H \'Content-Type: application/json\' --data "$deploy_body" "$api/$encoded/deploys/" > /dev/null',
  'echo "Sentry: release $release deployed to ${SENTRY_ENV:-$TARGET_ENVIRONMENT}"',
]);
