#!/usr/bin/env bash
# Production: promotes, as VERSION (`vX.Y.Z`), the digest of a release candidate of VERSION that
#  - is an exact release candidate tag (RC_REGEX, the release policy's: no leading zeros),
#  - was built from the release tag's commit (its digest is the digest of sha-<COMMIT_SHA>), and
#  - passed the earlier environment (deploy, smoke test and regression suite): its digest carries
#    `<REQUIRE_PASSED_PREFIX><rc>`, a tag only that environment's deploy job can add.
# Candidates are tried newest first in numeric order (rc.10 after rc.9), compared as digit
# strings (longer is larger), so no number overflows bash arithmetic. Every candidate refused is
# printed with its reason; with no candidate left the step fails, and nothing is tagged.
# Env: REGISTRY_URL, VERSION, COMMIT_SHA, RC_REGEX, BUILD_IMAGE_TAG_PREFIX, REQUIRE_PASSED_PREFIX,
#   PASSED_ENVIRONMENT.
# Optional: IMAGE_WAIT_SECONDS.
# Outputs: digest, commit, candidate (the rc promoted).
set -euo pipefail
# shellcheck source=lib/ecr.sh
source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"

# a > b for decimal digit strings without leading zeros.
greater() {
  local a="$1" b="$2"
  if ((${#a} != ${#b})); then
    ((${#a} > ${#b}))
  else
    [[ "$a" > "$b" ]]
  fi
}

commit_tag="${BUILD_IMAGE_TAG_PREFIX}${COMMIT_SHA}"
commit_digest="$(digest_of "imageTag=$commit_tag")"
if ! found "$commit_digest"; then
  echo "::error::$VERSION points at $COMMIT_SHA, which has no image $commit_tag in $repository: it was never built, so no release candidate of it can have passed $PASSED_ENVIRONMENT"
  exit 1
fi

listing="$(aws ecr list-images --repository-name "$repository" --filter tagStatus=TAGGED \
  --query 'imageIds[].imageTag' --output json)"
candidates=()
numbers=()
while IFS= read -r tag; do
  [[ "$tag" == "$VERSION-rc."* ]] || continue
  if [[ ! "$tag" =~ $RC_REGEX ]]; then
    echo "refused $tag: not a release candidate tag (must match $RC_REGEX)"
    continue
  fi
  candidates+=("$tag")
  numbers+=("${tag##*.}")
done < <(jq -r '.[]' <<<"$listing")

if ((${#candidates[@]} == 0)); then
  echo "::error::no release candidate of $VERSION in $repository: tag $VERSION-rc.N on $COMMIT_SHA and let it pass $PASSED_ENVIRONMENT first"
  exit 1
fi

# Newest first: a selection sort on the numbers (a handful of candidates).
order=()
remaining=("${!candidates[@]}")
while ((${#remaining[@]} > 0)); do
  best="${remaining[0]}"
  for i in "${remaining[@]}"; do
    if greater "${numbers[$i]}" "${numbers[$best]}"; then best="$i"; fi
  done
  order+=("$best")
  next=()
  for i in "${remaining[@]}"; do [[ "$i" == "$best" ]] || next+=("$i"); done
  remaining=("${next[@]+"${next[@]}"}")
done

chosen=""
for i in "${order[@]}"; do
  rc="${candidates[$i]}"
  digest="$(digest_of "imageTag=$rc")"
  if [[ "$digest" != "$commit_digest" ]]; then
    echo "refused $rc: built from another commit than $VERSION ($digest is not $commit_tag, $commit_digest)"
    continue
  fi
  passed="$(digest_of "imageTag=${REQUIRE_PASSED_PREFIX}${rc}")"
  if [[ "$passed" != "$digest" ]]; then
    echo "refused $rc: did not pass $PASSED_ENVIRONMENT (no ${REQUIRE_PASSED_PREFIX}${rc} on $digest)"
    continue
  fi
  chosen="$rc"
  break
done

if [[ -z "$chosen" ]]; then
  echo "::error::no release candidate of $VERSION on $COMMIT_SHA passed $PASSED_ENVIRONMENT: nothing to promote (reasons above)"
  exit 1
fi
echo "promoting $chosen ($commit_digest): built from $COMMIT_SHA, passed $PASSED_ENVIRONMENT"
tag_digest "$commit_digest" "$VERSION"
{
  echo "digest=$commit_digest"
  echo "commit=$COMMIT_SHA"
  echo "candidate=$chosen"
} >>"$GITHUB_OUTPUT"
