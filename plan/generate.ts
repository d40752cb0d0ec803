/**
 * Generated teams for the scale benchmark and the readability tests: the reference team with
 * `count` services (unique names and ports, alternating languages).
 */
const LANGUAGES = ["node", "python", "go"] as const;

export function generatedServices(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    name: `svc-${String(i + 1).padStart(3, "0")}`,
    description: `Generated service ${i + 1}`,
    language: LANGUAGES[i % LANGUAGES.length],
    port: 8080 + i,
    healthCheckPath: "/healthz",
  }));
}

/**
 * `base` (a raw team spec) with its services replaced by `count` generated ones. Previews are off:
 * five previews of each of dozens of services fit no one server, and the spec refuses that.
 */
export function generatedTeam(base: Record<string, unknown>, count: number): Record<string, unknown> {
  return { ...base, services: generatedServices(count), previews: { enabled: false } };
}
