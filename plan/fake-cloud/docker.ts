/**
 * The fake Docker: images "built and pushed" get a digest derived from their name, so a plan
 * shows the `name@sha256:…` reference a deploy would pin.
 */
import type { CallFake, FakeTables, ResourceFake } from "./types";

const withoutTag = (ref: string) => ref.replace(/:[^:/@]+$/, "");

export const resources: Record<string, ResourceFake> = {
  "docker:index/image:Image": (inputs, ctx) => {
    const imageName = String(inputs.imageName ?? ctx.name);
    const digest = `sha256:${ctx.hex(64, "digest")}`;
    const registry = (inputs.registry as { server?: string } | undefined)?.server ?? imageName.split("/")[0];
    return {
      id: `${withoutTag(imageName)}@${digest}`,
      outputs: {
        imageName,
        baseImageName: imageName,
        registryServer: registry,
        repoDigest: `${withoutTag(imageName)}@${digest}`,
        dockerfile: (inputs.build as { dockerfile?: string } | undefined)?.dockerfile ?? "Dockerfile",
        context: (inputs.build as { context?: string } | undefined)?.context ?? ".",
      },
    };
  },
};

export const calls: Record<string, CallFake> = {};

export const docker: FakeTables = { resources, calls };
