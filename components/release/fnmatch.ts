/**
 * GitHub's ref-pattern matching, as used by ruleset `ref_name` conditions and environment
 * deployment policies (Ruby `File.fnmatch` with FNM_PATHNAME): `*` and `?` stop at `/`, `**`
 * crosses it, `[...]` is a character class. Used to check what a generated pattern really lets
 * through, never to decide a deployment (that is the exact regex's job).
 */
export function fnmatch(pattern: string, name: string): boolean {
  return fnmatchRegExp(pattern).test(name);
}

export function fnmatchRegExp(pattern: string): RegExp {
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        // `**/` also matches no directory at all, as in `releases/**/*` matching `releases/x`.
        if (pattern[i + 2] === "/") {
          out += "(?:.*/)?";
          i += 2;
        } else {
          out += ".*";
          i += 1;
        }
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) {
        out += "\\[";
      } else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else {
      out += c.replace(/[.+^${}()|\\]/g, "\\$&");
    }
  }
  return new RegExp(`${out}$`);
}
