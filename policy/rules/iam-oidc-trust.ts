/**
 * iam-oidc-trust — a role trusting GitHub's OIDC provider without an exact `sub` can be assumed
 * by any repository on GitHub; without `aud` by tokens minted for another cloud. Mirrors
 * checkov CKV_AWS_358 (and GitHub's hardening guide). Mandatory. Also refuses `pull_request`
 * subjects: code from a fork must never reach AWS credentials. And one repository per role: a
 * role several repositories share lets one repository's job push, promote or deploy another's
 * service (one door per repository and environment).
 */
import { OIDC_AUDIENCE, OIDC_ISSUER_HOST } from "../../components/release";
import type { ResourceRule, RuleContext } from "../types";
import { isUnknown, obj, parseDocument, show, strings, T, where, type Statement } from "./util";

export const AUD_KEY = `${OIDC_ISSUER_HOST}:aud`;
export const SUB_KEY = `${OIDC_ISSUER_HOST}:sub`;

/** `repo:OWNER/REPO:…` with owner and repository written out (no wildcard). */
const EXACT_REPO = /^repo:([A-Za-z0-9](?:[A-Za-z0-9-]*))\/([A-Za-z0-9._-]+):(.+)$/;

/** The statements of a trust policy that admit GitHub's OIDC tokens. */
export function githubTrustStatements(doc: unknown): Statement[] {
  const parsed = parseDocument(doc);
  if (!parsed.ok) return [];
  return parsed.statements.filter((s) => {
    if (s.effect !== "Allow") return false;
    const web = s.actions.some((a) => a === "sts:AssumeRoleWithWebIdentity" || a === "sts:*" || a === "*");
    const federated = strings(obj(s.principal)?.Federated);
    const github = federated.some((f) => f.includes(OIDC_ISSUER_HOST));
    // A provider created in the same preview has no ARN yet: recognise the statement by its keys.
    const keyed = JSON.stringify(s.condition).includes(OIDC_ISSUER_HOST);
    return web && (github || (federated.some(isUnknown) && keyed));
  });
}

/** Values a condition key is tested with, per operator (`StringEquals`, `StringLike`, …). */
export function conditionValues(s: Statement, key: string): { operator: string; values: string[] }[] {
  return Object.entries(s.condition).flatMap(([operator, block]) => {
    const o = obj(block);
    if (!o || !(key in o)) return [];
    return [{ operator, values: strings(o[key]) }];
  });
}

export const iamOidcTrust: ResourceRule = {
  kind: "resource",
  id: "iam-oidc-trust",
  description:
    "Roles trusting GitHub OIDC check `aud` and a `sub` naming one exact repository, never a pull request.",
  mirrors: "checkov CKV_AWS_358",
  level: "mandatory",
  types: [T.role],
  check(r, ctx) {
    const statements = githubTrustStatements(r.inputs.assumeRolePolicy);
    const repositories = new Set(
      statements
        .flatMap((s) => conditionValues(s, SUB_KEY).flatMap((c) => c.values))
        .filter((v) => !isUnknown(v))
        .map((v) => EXACT_REPO.exec(v))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]}/${m[2]}`.toLowerCase()),
    );
    const shared =
      repositories.size > 1
        ? [`trusts ${repositories.size} repositories (${[...repositories].join(", ")}); a CI role trusts one`]
        : [];
    return [...statements.flatMap((s) => judge(s, ctx)), ...shared];
  },
};

function judge(s: Statement, ctx: RuleContext): string[] {
  const out: string[] = [];
  const at = `assumeRolePolicy ${where(s)}`;
  const aud = conditionValues(s, AUD_KEY);
  if (aud.length === 0) out.push(`${at} does not check ${AUD_KEY}`);
  for (const { operator, values } of aud) {
    if (
      !operator.startsWith("StringEquals") ||
      values.length === 0 ||
      values.some((v) => v !== OIDC_AUDIENCE && !isUnknown(v))
    ) {
      out.push(
        `${at} checks ${AUD_KEY} with ${operator} ${show(values)}; require StringEquals "${OIDC_AUDIENCE}"`,
      );
    }
  }
  const sub = conditionValues(s, SUB_KEY);
  if (sub.length === 0)
    out.push(`${at} does not check ${SUB_KEY}: any repository on GitHub could assume the role`);
  for (const { values } of sub) {
    if (values.length === 0) out.push(`${at} checks ${SUB_KEY} against no value`);
    for (const v of values) {
      if (isUnknown(v)) continue;
      const m = EXACT_REPO.exec(v);
      if (!m) {
        out.push(`${at} ${SUB_KEY} "${v}" does not name an exact repository (repo:OWNER/REPO:…)`);
        continue;
      }
      if (ctx.spec && m[1].toLowerCase() !== ctx.spec.github.owner.toLowerCase()) {
        out.push(`${at} ${SUB_KEY} "${v}" names owner "${m[1]}", not the team's "${ctx.spec.github.owner}"`);
      }
      if (m[3] === "pull_request") out.push(`${at} ${SUB_KEY} "${v}" trusts pull requests`);
    }
  }
  return out;
}
