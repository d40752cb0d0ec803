/**
 * Writes every Kubernetes object of an offline plan (JSON, `npm run plan -- --all --json`) plus
 * one preview per service as a YAML stream, namespaces first: the input of
 * scripts/kubernetes-apiserver-check.sh. Secret values (shown "[secret]") get a stand-in.
 *
 * Usage: ts-node scripts/kubernetes-objects.ts <plan.json> <out.yaml>
 */
import * as fs from "fs";
import { stringify } from "yaml";
import { LABELS, previewManifests, type KubeObject } from "../components/kubernetes";

const [planFile, outFile] = process.argv.slice(2);
const plans = JSON.parse(fs.readFileSync(planFile, "utf8")) as {
  resources: { type: string; custom: boolean; inputs: KubeObject }[];
}[];
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- plan JSON, read as written
const objects: (KubeObject & Loose)[] = plans.flatMap((p) =>
  p.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
    .map((r) => structuredClone(r.inputs)),
);
for (const o of objects) {
  if (o.kind === "Secret" && o.stringData === "[secret]") o.stringData = { KEY: "value" };
}
// One preview of each service into the previews namespace, as the preview workflow would apply it.
const previewNamespace = objects.find(
  (o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.environment] === "previews",
);
if (previewNamespace) {
  const team = previewNamespace.metadata.labels?.[LABELS.partOf] ?? "";
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const seen = new Set<string>();
  for (const d of deployments) {
    const container = (d.spec as Loose).template.spec.containers[0];
    if (seen.has(container.name)) continue;
    seen.add(container.name);
    objects.push(
      ...previewManifests({
        placement: {
          team,
          environment: "previews",
          namespace: previewNamespace.metadata.name,
          architecture: (d.spec as Loose).template.spec.nodeSelector["kubernetes.io/arch"],
          domain: "previews.example.com",
          clusterIssuer: "letsencrypt",
        },
        pr: 1,
        service: {
          name: container.name,
          port: container.ports[0].containerPort,
          healthCheckPath: container.readinessProbe.httpGet.path,
        },
        image: container.image,
        config: {},
        now: new Date(),
        ttlHours: 72,
      }),
    );
  }
}
objects.sort((a, b) => Number(b.kind === "Namespace") - Number(a.kind === "Namespace"));
fs.writeFileSync(outFile, objects.map((o) => stringify(o)).join("---\n"));
console.log(`${objects.length} objects -> ${outFile}`);
