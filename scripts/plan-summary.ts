/**
 * Turns the offline plan's JSON (`npm run plan -- --all --json <file>`) into Markdown for a
 * GitHub job summary: per stack, resource counts by type, policy violations and monthly cost.
 *
 * Usage: ts-node scripts/plan-summary.ts <plan.json> >> "$GITHUB_STEP_SUMMARY"
 *
 * Reads only fields of the documented JSON contract (plan/CONTRACT.md), so it works with one stack's
 * plan, an array of them, or an object holding them under `stacks`.
 */
import * as fs from "fs";

/** The part of the plan contract this summary reads. */
export interface PlanForSummary {
  readonly stack: string;
  readonly resources: readonly { readonly type: string; readonly custom?: boolean }[];
  readonly policy?: {
    readonly violations: readonly { policy: string; level: string; urn?: string; message: string }[];
  };
  readonly cost?: { readonly currency: string; readonly monthly: number };
  /** Lookups facts.yaml did not confirm (contract 0.2; absent in older plans). */
  readonly assumptions?: readonly { kind: string; name: string; why: string }[];
}

/** Accepts a single plan, an array, or `{ stacks: [...] }`. */
export function plansOf(json: unknown): PlanForSummary[] {
  if (Array.isArray(json)) return json as PlanForSummary[];
  if (json && typeof json === "object") {
    const o = json as Record<string, unknown>;
    if (Array.isArray(o.stacks)) return o.stacks as PlanForSummary[];
    if (Array.isArray(o.plans)) return o.plans as PlanForSummary[];
    if (typeof o.stack === "string" && Array.isArray(o.resources)) return [o as unknown as PlanForSummary];
  }
  throw new Error("not an offline plan: expected a stack plan, an array of them, or { stacks: [...] }");
}

/** Markdown tables have no escape for `|` but a backslash; newlines would end the row. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function money(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency}`;
}

export function planSummaryMarkdown(plans: readonly PlanForSummary[]): string {
  const lines: string[] = ["## Offline plan", ""];
  lines.push("| stack | resources | mandatory violations | advisory violations | monthly cost |");
  lines.push("| --- | ---: | ---: | ---: | ---: |");
  let total = 0;
  let currency = "USD";
  for (const p of plans) {
    const v = p.policy?.violations ?? [];
    const mandatory = v.filter((x) => x.level === "mandatory").length;
    const cost = p.cost ? money(p.cost.monthly, p.cost.currency) : "n/a";
    if (p.cost) {
      total += p.cost.monthly;
      currency = p.cost.currency;
    }
    lines.push(
      `| ${cell(p.stack)} | ${p.resources.length} | ${mandatory} | ${v.length - mandatory} | ${cost} |`,
    );
  }
  lines.push(
    `| **all** | ${plans.reduce((n, p) => n + p.resources.length, 0)} | | | **${money(total, currency)}** |`,
    "",
  );

  for (const p of plans) {
    lines.push(`### ${p.stack}`, "");
    const counts = new Map<string, number>();
    for (const r of p.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push("<details><summary>Resources by type</summary>", "");
    lines.push("| type | count |", "| --- | ---: |");
    for (const [type, n] of sorted) lines.push(`| \`${cell(type)}\` | ${n} |`);
    lines.push("", "</details>", "");
    const v = p.policy?.violations ?? [];
    if (v.length === 0) {
      lines.push("Policy: no violations.", "");
    } else {
      lines.push("| level | policy | message |", "| --- | --- | --- |");
      for (const x of v) lines.push(`| ${cell(x.level)} | ${cell(x.policy)} | ${cell(x.message)} |`);
      lines.push("");
    }
    const a = p.assumptions ?? [];
    if (a.length > 0) {
      lines.push(`Assumptions (not confirmed by facts.yaml): ${a.length}`, "");
      lines.push("| kind | name | why |", "| --- | --- | --- |");
      for (const x of a) lines.push(`| ${cell(x.kind)} | ${cell(x.name)} | ${cell(x.why)} |`);
      lines.push("");
    }
  }
  return lines.join("\n");
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: plan-summary <plan.json>\n");
    process.exit(2);
  }
  try {
    process.stdout.write(planSummaryMarkdown(plansOf(JSON.parse(fs.readFileSync(file, "utf8")))));
  } catch (err) {
    process.stderr.write(`plan-summary: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
