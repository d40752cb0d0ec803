// Entry point for `pulumi up`: the program lives in the {{package}} package (linked from its
// checkout by package.json), so an upgrade is a `git pull` there. The stack's role
// (Pulumi.<stack>.yaml) picks what it creates.
const delivery = require("{{package}}") as { program(): Promise<Record<string, unknown>> };

export = delivery.program();
