// Entry point for `pulumi up`: the program lives in the {{package}} package, so an upgrade is a
// version bump in package.json. The stack's role (Pulumi.<stack>.yaml) picks what it creates.
import { program } from "{{package}}";

export = program();
