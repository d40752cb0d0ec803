/** One problem found in the spec or the stack config, named by its key path. */
export interface SpecIssue {
  /** Key path as a user writes it: `team.services[1].name`. */
  readonly path: string;
  /** What is wrong, with the offending value where it is not secret. */
  readonly message: string;
}

/** Thrown once with every problem, so a user fixes them all in one go. */
export class SpecError extends Error {
  constructor(readonly issues: readonly SpecIssue[]) {
    super(formatIssues(issues));
    this.name = "SpecError";
  }
}

export function formatIssues(issues: readonly SpecIssue[]): string {
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
  return `invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

/** `["services", 1, "name"]` -> `team.services[1].name` */
export function keyPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** A short, printable rendering of a user's value for an error message. */
export function showValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
