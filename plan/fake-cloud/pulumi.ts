/**
 * Pulumi's own resources: an explicit provider (`pulumi:providers:<pkg>`, any package) gets an
 * id; the stack and components have no cloud side. `pulumi:pulumi:StackReference` is answered by
 * the runner (it needs the referenced stack's outputs), not here.
 */
import type { FakeTables, ResourceFake } from "./types";

export const provider: ResourceFake = (_inputs, ctx) => {
  const h = ctx.hex(32);
  return {
    id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
  };
};

/** Explicit providers of any package, by the `pulumi:providers:` prefix of their token. */
export const pulumiTables: FakeTables = { resources: {}, calls: {} };

export const isProviderType = (type: string): boolean => type.startsWith("pulumi:providers:");
