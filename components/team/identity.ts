import type { ServiceSpec } from "./schema";

/**
 * The name a service was first known by: the identity of what cannot be renamed (an ECR
 * repository, an SSM parameter), so renaming a service in the spec never replaces them.
 */
export function stableServiceKey(service: Pick<ServiceSpec, "name" | "formerNames">): string {
  return service.formerNames[0] ?? service.name;
}
