/**
 * k8s-image-digest — a tag can be moved, so the same manifest can run different code tomorrow;
 * an image from outside the team's registry skipped its scan, lifecycle and promotion. Every
 * container runs `<account>.dkr.ecr.<region>.amazonaws.com/<team>/<service>@sha256:<digest>`,
 * the team read from the object's `app.kubernetes.io/part-of` label (or the spec's team name).
 * Mirrors checkov CKV_K8S_43 (image by digest). Mandatory.
 */
import type { ResourceRule } from "../types";
import { containersOf, K8S_WORKLOAD_TYPES } from "./kubernetes-workloads";
import { isUnknown, obj, show, str } from "./util";

const ECR_BY_DIGEST =
  /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+)@sha256:[0-9a-f]{64}$/;

export const k8sImageDigest: ResourceRule = {
  kind: "resource",
  id: "k8s-image-digest",
  description: "Containers run images from the team's ECR registry, pinned by digest.",
  mirrors: "checkov CKV_K8S_43",
  level: "mandatory",
  types: K8S_WORKLOAD_TYPES,
  check(r, ctx) {
    const labels = obj(obj(r.inputs.metadata)?.labels);
    const team = str(labels?.["app.kubernetes.io/part-of"]) ?? ctx.spec?.name;
    const problems: string[] = [];
    for (const { where, container } of containersOf(r)) {
      const image = container.image;
      if (isUnknown(image)) continue;
      const ref = str(image);
      const match = ref ? ECR_BY_DIGEST.exec(ref) : null;
      if (!match) {
        problems.push(
          `${where}: image ${show(image)} is not an ECR image pinned by digest (<registry>/<repository>@sha256:<digest>)`,
        );
      } else if (team && !match[1].startsWith(`${team}/`)) {
        problems.push(`${where}: image ${show(image)} is not from the team's registry (${team}/<service>)`);
      }
    }
    return problems;
  },
};
