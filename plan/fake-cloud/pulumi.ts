/**
 * Pulumi's own resources: explicit providers (`pulumi:providers:<pkg>`) get an id; the stack
 * and components have no cloud side. `pulumi:pulumi:StackReference` is answered by the runner
 * (it needs the referenced stack's plan), not here.
 */
import type { CallFake, FakeTables, ResourceFake } from "./types";

const provider: ResourceFake = (_inputs, ctx) => {
  const h = ctx.hex(32);
  return {
    id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
  };
};

/** Packages whose explicit providers the plan accepts. */
export const PROVIDER_PACKAGES = [
  "aws",
  "github",
  "docker",
  "docker-build",
  "random",
  "tls",
  "command",
] as const;

export const resources: Record<string, ResourceFake> = Object.fromEntries(
  PROVIDER_PACKAGES.map((pkg) => [`pulumi:providers:${pkg}`, provider]),
);

export const calls: Record<string, CallFake> = {};

export const pulumiTables: FakeTables = { resources, calls };
