// Entry point for `pulumi up`: the stack's role (Pulumi.<stack>.yaml) picks the program.
import { program } from "./stacks/program";

export = program();
