/**
 * The Kubernetes runtime as data: the spec's keys and errors, every object an environment and a
 * preview would create validated against the Kubernetes OpenAPI schemas (kubernetes-models), the
 * security settings a reviewer expects, the namespace quota, and who may deploy (RBAC as a table).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
  allowed,
  DEPLOYER,
  deployerGroup,
  deployerRules,
  eksKubeconfig,
  imageProblem,
  kubeconfigEndpoint,
  namespaceManifests,
  previewAdmission,
  previewDeployerRules,
  previewExpired,
  previewManifests,
  previewNamespaceManifests,
  roleBindingManifest,
  roleManifest,
  serviceAccountTokenManifest,
  serviceManifests,
  accessEntriesProblem,
  type KubeObject,
  type Placement,
  type ServiceWorkload,
  type Subject,
} from "../components/kubernetes";
import { architectureIssues, environmentArchitecture } from "../components/release";
import { formatIssues, validateTeamSpec, type SpecIssue } from "../components/team";
import { REPO_ROOT } from "./fixtures";

const EXAMPLE = path.join(REPO_ROOT, "examples", "kubernetes.yaml");
const exampleRaw = (): Record<string, any> => parse(fs.readFileSync(EXAMPLE, "utf8"));

/** Runs kubernetes-models' validate() on each object (ESM-only: in a child process). */
function validateObjects(objects: readonly unknown[]): (string | null)[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, "kubernetes-validate.mjs")], {
    input: JSON.stringify(objects),
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out);
}

const DIGEST = `sha256:${"ab".repeat(32)}`;
const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api";

const placement: Placement = {
  team: "checkout",
  environment: "production",
  namespace: "checkout-production",
  architecture: "arm64",
  ingressClass: "nginx",
  domain: "checkout.example.com",
  clusterIssuer: "letsencrypt",
};

const workload = (over: Partial<ServiceWorkload> = {}): ServiceWorkload => ({
  name: "cart-api",
  port: 8080,
  healthCheckPath: "/healthz",
  image: `${REGISTRY}@${DIGEST}`,
  replicas: 2,
  resources: { cpu: "250m", memory: "256Mi" },
  readOnlyRootFilesystem: true,
  config: { PORT: "8080" },
  secrets: { DATABASE_URL: "postgres://…" },
  ...over,
});

function issuesOf(raw: unknown): SpecIssue[] {
  const result = validateTeamSpec(raw);
  if (result.ok) throw new Error("expected the spec to be rejected");
  return result.issues;
}
const byPath = (issues: SpecIssue[]) => Object.fromEntries(issues.map((i) => [i.path, i.message]));

describe("the spec's Kubernetes runtime", () => {
  it("accepts examples/kubernetes.yaml: a mixed team, servers and clusters on one architecture", () => {
    const result = validateTeamSpec(exampleRaw());
    if (!result.ok) throw new Error(formatIssues(result.issues));
    const [integration, staging, production] = result.spec.environments;
    expect(integration.runtime).toBe("server");
    expect(staging.runtime).toBe("kubernetes");
    expect(staging.kubernetes?.ingressNamespace).toBe("ingress-nginx");
    expect(production.kubernetes?.services["cart-api"].autoscaling).toEqual({
      minReplicas: 3,
      maxReplicas: 10,
      targetCpuPercent: 65,
    });
    expect(result.spec.environments.map(environmentArchitecture)).toEqual(["arm64", "arm64", "arm64"]);
    expect(architectureIssues(result.spec)).toEqual([]);
  });

  it("reports every mistake of the kubernetes block at once, each naming its key", () => {
    const raw = exampleRaw();
    const [, staging, production] = raw.environments;
    staging.kubernetes.kubeconfig = "kubeconfig"; // and eks: two clusters
    staging.kubernetes.ingressClass = "Nginx";
    staging.instanceType = "t4g.small";
    production.kubernetes.services["cart-api"].resources.cpu = "half";
    production.kubernetes.services["cart-api"].autoscaling.minReplicas = 12;
    production.kubernetes.services["cart-api"].replicas = 3;
    production.kubernetes.services.checkout = { replicas: 2 };
    production.kubernetes.replica = 2;
    raw.environments[0].kubernetes = { eks: { clusterName: "x" } };
    const issues = byPath(issuesOf(raw));
    expect(issues["team.environments[1].kubernetes"]).toMatch(/exactly one cluster/);
    expect(issues["team.environments[1].kubernetes.ingressClass"]).toMatch(
      /"Nginx" must be an IngressClass name/,
    );
    expect(issues["team.environments[1].instanceType"]).toMatch(/server runtime only/);
    expect(issues["team.environments[2].kubernetes.services.cart-api.resources.cpu"]).toMatch(
      /"half" must be a CPU quantity/,
    );
    expect(issues["team.environments[2].kubernetes.services.cart-api.autoscaling.minReplicas"]).toMatch(
      /12 is above maxReplicas 10/,
    );
    expect(issues["team.environments[2].kubernetes.services.cart-api.replicas"]).toMatch(/autoscaler/);
    expect(issues["team.environments[2].kubernetes.services.checkout"]).toMatch(/not a service of the team/);
    expect(issues["team.environments[2].kubernetes.replica"]).toMatch(/not a known key/);
    expect(issues["team.environments[0].kubernetes"]).toMatch(/runtime is "server"/);
  });

  it("requires the cluster block, a bootstrap image, and namespaces that are DNS labels", () => {
    const raw = exampleRaw();
    delete raw.environments[1].kubernetes;
    raw.release = { bootstrapImage: false };
    raw.environments[2].name = "production-" + "x".repeat(28);
    raw.name = "checkout-team-with-a-long-name-abcdefghij".slice(0, 39);
    raw.environments[2].kubernetes.previews = true;
    delete raw.environments[2].domain;
    raw.environments.push({
      name: "demo",
      role: "integration",
      runtime: "kubernetes",
      kubernetes: { eks: { clusterName: "acme" }, previews: true },
    });
    const issues = byPath(issuesOf(raw));
    expect(issues["team.environments"]).toMatch(/2 environments set kubernetes.previews/);
    expect(issues["team.environments[2].domain"]).toMatch(/is required with previews/);
    expect(issues["team.environments[3].domain"]).toMatch(/is required with previews/);
    expect(issues["team.environments[1].kubernetes"]).toMatch(/required when runtime is kubernetes/);
    expect(issues["team.release.bootstrapImage"]).toMatch(/without an image/);
    expect(issues["team.environments[2].name"]).toMatch(/not a DNS label of at most 63/);
  });

  it("refuses two architectures: one image is promoted everywhere", () => {
    const raw = exampleRaw();
    delete raw.environments[2].kubernetes.architecture; // amd64 by default
    const result = validateTeamSpec(raw);
    if (!result.ok) throw new Error(formatIssues(result.issues));
    const issues = architectureIssues(result.spec);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe("team.environments[2].kubernetes.architecture");
    expect(issues[0].message).toMatch(
      /"amd64" \(the cluster.s nodes\), but environment "integration" runs arm64/,
    );
  });
});

describe("the objects an environment and its previews create", () => {
  const autoscaled = workload({
    name: "cart-api",
    autoscaling: { minReplicas: 3, maxReplicas: 10, targetCpuPercent: 65 },
  });
  const worker = workload({ name: "payments-worker", port: 8081, healthCheckPath: "/health", replicas: 1 });
  const environmentObjects = [
    ...namespaceManifests(placement, "ingress-nginx", [autoscaled, worker]),
    ...serviceManifests(placement, autoscaled),
    ...serviceManifests({ ...placement, domain: undefined, ingressClass: undefined }, worker),
    roleManifest(placement.namespace, DEPLOYER, deployerRules(["cart-api", "payments-worker"]), {}),
    roleBindingManifest(
      placement.namespace,
      DEPLOYER,
      [{ kind: "ServiceAccount", name: DEPLOYER, namespace: placement.namespace }],
      {},
    ),
    serviceAccountTokenManifest(placement.namespace, DEPLOYER),
  ];
  const previewPlacement = { ...placement, namespace: "checkout-previews", environment: "previews" };
  const previewObjects = [
    ...previewNamespaceManifests({
      placement: previewPlacement,
      ingressNamespace: "ingress-nginx",
      services: [autoscaled, worker],
      limit: 5,
    }),
    ...previewManifests({
      placement: previewPlacement,
      pr: 42,
      service: autoscaled,
      image: `${REGISTRY}@${DIGEST}`,
      config: { API_BASE: "https://integration.example" },
      now: new Date("2026-12-03T10:00:00Z"),
      ttlHours: 72,
    }),
    roleManifest("checkout-previews", "preview-deployer", previewDeployerRules(), {}),
  ];

  it("every object passes the Kubernetes OpenAPI schema (kubernetes-models validate)", () => {
    const all = [...environmentObjects, ...previewObjects];
    const kinds = new Set(all.map((o) => o.kind));
    expect([...kinds].sort()).toEqual(
      [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Ingress",
        "Namespace",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "ResourceQuota",
        "Role",
        "RoleBinding",
        "Secret",
        "Service",
        "ServiceAccount",
      ].sort(),
    );
    const results = validateObjects(all);
    const failures = results
      .map((r, i) => (r ? `${all[i].kind}/${all[i].metadata.name}: ${r}` : null))
      .filter(Boolean);
    expect(failures).toEqual([]);
  });

  it("the validator is live: it refuses a Deployment whose replicas is a string and a probe port of the wrong type", () => {
    const [deployment] = serviceManifests(placement, workload()).filter((o) => o.kind === "Deployment");
    const broken = structuredClone(deployment) as any;
    broken.spec.replicas = "2";
    const badProbe = structuredClone(deployment) as any;
    badProbe.spec.template.spec.containers[0].readinessProbe.periodSeconds = "5s";
    const [a, b] = validateObjects([broken, badProbe]);
    expect(a).toMatch(/replicas must be integer/);
    expect(b).toMatch(/periodSeconds must be integer/);
  });

  const deploymentOf = (objects: KubeObject[], name: string): any =>
    objects.find((o) => o.kind === "Deployment" && o.metadata.name === name);

  it("Deployments roll with maxUnavailable 0, probe healthCheckPath, and run restricted", () => {
    const d = deploymentOf(environmentObjects, "cart-api");
    expect(d.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    expect(d.spec.replicas).toBeUndefined(); // the autoscaler's
    const pod = d.spec.template.spec;
    const [c] = pod.containers;
    expect(c.image).toBe(`${REGISTRY}@${DIGEST}`);
    expect(c.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(c.resources).toEqual({
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "250m", memory: "256Mi" },
    });
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.nodeSelector["kubernetes.io/arch"]).toBe("arm64");
    expect(deploymentOf(environmentObjects, "payments-worker").spec.replicas).toBe(1);
    expect(
      deploymentOf(serviceManifests(placement, workload({ readOnlyRootFilesystem: false })), "cart-api").spec
        .template.spec.containers[0].securityContext.readOnlyRootFilesystem,
    ).toBe(false);
  });

  it("Ingress gets TLS from cert-manager with a domain, any host without; PDB never blocks a lone pod", () => {
    const ingress = (name: string): any =>
      environmentObjects.find((o) => o.kind === "Ingress" && o.metadata.name === name);
    expect(ingress("cart-api").metadata.annotations).toEqual({
      "cert-manager.io/cluster-issuer": "letsencrypt",
    });
    expect(ingress("cart-api").spec.tls).toEqual([
      { hosts: ["cart-api.checkout.example.com"], secretName: "cart-api-tls" },
    ]);
    expect(ingress("cart-api").spec.ingressClassName).toBe("nginx");
    expect(ingress("payments-worker").spec.tls).toBeUndefined();
    expect(ingress("payments-worker").spec.rules[0].host).toBeUndefined();
    const pdb = (name: string): any =>
      environmentObjects.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === name);
    expect(pdb("cart-api").spec).toMatchObject({ minAvailable: 1 });
    expect(pdb("payments-worker").spec).toMatchObject({ maxUnavailable: 1 });
    const hpa: any = environmentObjects.find((o) => o.kind === "HorizontalPodAutoscaler");
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
  });

  it("the quota holds every service at its peak (ceiling + one surge pod), and the network admits only the ingress controller", () => {
    const quota: any = environmentObjects.find((o) => o.kind === "ResourceQuota");
    // cart-api: 10 + 1 pods, payments-worker: 1 + 1 pods; 250m and 256Mi each.
    expect(quota.spec.hard).toMatchObject({
      pods: "13",
      "requests.cpu": "3250m",
      "limits.memory": "3328Mi",
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    const policies: any[] = environmentObjects.filter((o) => o.kind === "NetworkPolicy");
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    expect(policies[1].spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
        ports: [
          { protocol: "TCP", port: 8080 },
          { protocol: "TCP", port: 8081 },
        ],
      },
    ]);
    const ns: any = environmentObjects.find((o) => o.kind === "Namespace");
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("a worker (public: false) gets no Service, Ingress, port or probe, and must run 10 s to count as available", () => {
    const objects = serviceManifests(placement, workload({ name: "mailer", public: false }));
    expect(objects.map((o) => o.kind)).toEqual([
      "ServiceAccount",
      "ConfigMap",
      "Secret",
      "Deployment",
      "PodDisruptionBudget",
    ]);
    const d = deploymentOf(objects, "mailer");
    expect(d.spec.minReadySeconds).toBe(10);
    const [c] = d.spec.template.spec.containers;
    expect([c.ports, c.readinessProbe, c.livenessProbe]).toEqual([undefined, undefined, undefined]);
    expect(validateObjects(objects)).toEqual(objects.map(() => null));
  });

  it("secrets are only in the Secret, never in the ConfigMap or the pod spec", () => {
    const text = JSON.stringify(environmentObjects.filter((o) => o.kind !== "Secret"));
    expect(text).not.toContain("postgres://");
    const secret: any = environmentObjects.find((o) => o.kind === "Secret" && o.metadata.name === "cart-api");
    expect(secret.stringData).toEqual({ DATABASE_URL: "postgres://…" });
  });

  it("a preview is one pod named pr-<n>-<service>, PREVIEW=true, no secret, expiring after its TTL", () => {
    const objects = previewObjects.filter((o) => o.metadata.labels?.["delivery-workflow/preview"] === "42");
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ConfigMap/pr-42-cart-api",
      "Deployment/pr-42-cart-api",
      "Service/pr-42-cart-api",
      "Ingress/pr-42-cart-api",
    ]);
    const d = deploymentOf(objects, "pr-42-cart-api");
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.template.spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: "pr-42-cart-api" } },
    ]);
    const config: any = objects[0];
    expect(config.data).toEqual({ API_BASE: "https://integration.example", PREVIEW: "true" });
    const ingress: any = objects[3];
    expect(ingress.spec.rules[0].host).toBe("pr-42-cart-api.checkout.example.com");
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe("pr-42-cart-api");
    expect(previewExpired(d, new Date("2026-12-06T09:59:59Z"))).toBe(false);
    expect(previewExpired(d, new Date("2026-12-06T10:00:00Z"))).toBe(true);
    const svc: any = objects[2];
    expect(svc.spec.selector).toEqual({
      "app.kubernetes.io/name": "cart-api",
      "delivery-workflow/preview": "42",
    });
  });

  it("the preview limit: an open preview is updated, a new one is refused at the limit with a clear message", () => {
    const preview = (pr: number, service = "cart-api") =>
      previewManifests({
        placement: previewPlacement,
        pr,
        service: { name: service, port: 8080, healthCheckPath: "/healthz" },
        image: `${REGISTRY}@${DIGEST}`,
        config: {},
        now: new Date(),
        ttlHours: 72,
      });
    const existing = [1, 2, 3].flatMap((n) => preview(n)).concat(preview(4, "payments-worker"));
    expect(previewAdmission(existing, "cart-api", 2, 3)).toEqual({ admitted: true });
    expect(previewAdmission(existing, "payments-worker", 9, 3)).toEqual({ admitted: true });
    const refused = previewAdmission(existing, "cart-api", 7, 3);
    expect(refused).toEqual({
      admitted: false,
      message: expect.stringMatching(/cart-api already has 3 previews \(the limit is 3: #1, #2, #3\)/),
    });
    const quota: any = previewObjects.find((o) => o.kind === "ResourceQuota");
    // 2 services × 5 previews × (1 pod + 1 surge)
    expect(quota.spec.hard.pods).toBe("20");
    expect(quota.spec.hard.services).toBe("10");
  });
});

describe("who may deploy (RBAC as a table)", () => {
  const ns = "checkout-staging";
  const other = "checkout-production";
  const ci: Subject = { kind: "Group", name: deployerGroup(ns), apiGroup: "rbac.authorization.k8s.io" };
  const sa: Subject = { kind: "ServiceAccount", name: DEPLOYER, namespace: ns };
  const rbac = (subject: Subject) => [
    roleManifest(ns, DEPLOYER, deployerRules(["cart-api", "payments-worker"]), {}),
    roleBindingManifest(ns, DEPLOYER, [subject], {}),
    // Another environment's deployer in the same cluster.
    roleManifest(other, DEPLOYER, deployerRules(["cart-api"]), {}),
    roleBindingManifest(
      other,
      DEPLOYER,
      [{ kind: "Group", name: deployerGroup(other), apiGroup: "rbac.authorization.k8s.io" }],
      {},
    ),
  ];
  const cases: [string, string, string, string, string | undefined, boolean][] = [
    // namespace, apiGroup, resource, verb, name, allowed
    [ns, "apps", "deployments", "patch", "cart-api", true],
    [ns, "apps", "deployments", "get", "payments-worker", true],
    [ns, "apps", "deployments", "watch", undefined, true],
    [ns, "apps", "deployments", "list", undefined, true],
    [ns, "apps", "replicasets", "list", undefined, true],
    [ns, "", "pods", "list", undefined, true],
    [ns, "apps", "deployments", "patch", "someone-elses", false],
    [ns, "apps", "deployments", "create", undefined, false],
    [ns, "apps", "deployments", "delete", "cart-api", false],
    [ns, "", "secrets", "get", "cart-api", false],
    [ns, "", "secrets", "list", undefined, false],
    [ns, "", "configmaps", "get", "cart-api", false],
    [ns, "", "pods/exec", "create", undefined, false],
    [ns, "rbac.authorization.k8s.io", "roles", "patch", DEPLOYER, false],
    [other, "apps", "deployments", "patch", "cart-api", false],
    [other, "apps", "deployments", "list", undefined, false],
    ["kube-system", "apps", "deployments", "patch", "coredns", false],
  ];
  for (const [who, subject] of [
    ["EKS group", ci],
    ["ServiceAccount", sa],
  ] as const) {
    it.each(cases)(
      `${who}: in %s, %s/%s %s %s -> %s`,
      (namespace, apiGroup, resource, verb, name, expected) => {
        expect(allowed(rbac(subject), subject, { namespace, apiGroup, resource, verb, name })).toBe(expected);
      },
    );
  }

  it("a ServiceAccount of the same name in another namespace gets nothing", () => {
    const stranger: Subject = { kind: "ServiceAccount", name: DEPLOYER, namespace: "attacker" };
    const objects = rbac(sa);
    expect(
      allowed(objects, stranger, {
        namespace: ns,
        apiGroup: "apps",
        resource: "deployments",
        verb: "patch",
        name: "cart-api",
      }),
    ).toBe(false);
  });

  it("the preview deployer manages previews' objects but never Secrets", () => {
    const p: Subject = { kind: "ServiceAccount", name: "preview-deployer", namespace: "checkout-previews" };
    const objects = [
      roleManifest("checkout-previews", "preview-deployer", previewDeployerRules(), {}),
      roleBindingManifest("checkout-previews", "preview-deployer", [p], {}),
    ];
    const can = (resource: string, verb: string, apiGroup = "") =>
      allowed(objects, p, {
        namespace: "checkout-previews",
        apiGroup,
        resource,
        verb,
        name: "pr-1-cart-api",
      });
    expect(can("deployments", "create", "apps")).toBe(true);
    expect(can("ingresses", "delete", "networking.k8s.io")).toBe(true);
    expect(can("configmaps", "create")).toBe(true);
    expect(can("secrets", "get")).toBe(false);
    expect(can("secrets", "create")).toBe(false);
    expect(
      allowed(objects, p, {
        namespace: "checkout-staging",
        apiGroup: "apps",
        resource: "deployments",
        verb: "create",
      }),
    ).toBe(false);
  });
});

describe("who may deploy previews (RBAC as a table)", () => {
  const previews = "checkout-previews";
  const group: Subject = {
    kind: "Group",
    name: deployerGroup(previews),
    apiGroup: "rbac.authorization.k8s.io",
  };
  const account: Subject = { kind: "ServiceAccount", name: "preview-deployer", namespace: previews };
  const rbac = (subject: Subject) => [
    roleManifest(previews, "preview-deployer", previewDeployerRules(), {}),
    roleBindingManifest(previews, "preview-deployer", [subject], {}),
    // The staging environment's deployer in the same cluster.
    roleManifest("checkout-staging", DEPLOYER, deployerRules(["cart-api"]), {}),
    roleBindingManifest(
      "checkout-staging",
      DEPLOYER,
      [{ kind: "Group", name: deployerGroup("checkout-staging"), apiGroup: "rbac.authorization.k8s.io" }],
      {},
    ),
  ];
  // What kubernetes-preview.sh asks of the API server, then what it must never be able to do.
  // namespace, apiGroup, resource, verb, name, allowed
  const cases: [string, string, string, string, string | undefined, boolean][] = [
    // the limit and the sweep: list the previews' Deployments
    [previews, "apps", "deployments", "list", undefined, true],
    // kubectl apply --server-side: patch (creates when missing), per kind it applies
    [previews, "apps", "deployments", "patch", "pr-42-cart-api", true],
    [previews, "apps", "deployments", "create", undefined, true],
    [previews, "", "services", "patch", "pr-42-cart-api", true],
    [previews, "", "configmaps", "patch", "pr-42-cart-api", true],
    [previews, "networking.k8s.io", "ingresses", "patch", "pr-42-cart-api", true],
    // kubectl rollout status: get and watch the Deployment, list its ReplicaSets; pods when stuck
    [previews, "apps", "deployments", "get", "pr-42-cart-api", true],
    [previews, "apps", "deployments", "watch", undefined, true],
    [previews, "apps", "replicasets", "list", undefined, true],
    [previews, "", "pods", "list", undefined, true],
    // kubectl delete -l: list, then delete each object of every kind the preview has
    [previews, "", "configmaps", "list", undefined, true],
    [previews, "", "configmaps", "delete", "pr-42-cart-api", true],
    [previews, "apps", "deployments", "delete", "pr-42-cart-api", true],
    [previews, "", "services", "delete", "pr-42-cart-api", true],
    [previews, "networking.k8s.io", "ingresses", "delete", "pr-42-cart-api", true],
    // never: Secrets (cert-manager's TLS secrets live here), exec, RBAC, quota, policies
    [previews, "", "secrets", "get", "pr-42-cart-api-tls", false],
    [previews, "", "secrets", "list", undefined, false],
    [previews, "", "secrets", "create", undefined, false],
    [previews, "", "pods/exec", "create", undefined, false],
    [previews, "", "serviceaccounts", "create", undefined, false],
    [previews, "", "resourcequotas", "patch", "quota", false],
    [previews, "networking.k8s.io", "networkpolicies", "delete", "default-deny-ingress", false],
    [previews, "rbac.authorization.k8s.io", "roles", "patch", "preview-deployer", false],
    [previews, "rbac.authorization.k8s.io", "rolebindings", "create", undefined, false],
    // never another namespace, and no namespaces at all (cluster-scoped: a Role cannot grant them)
    ["checkout-staging", "apps", "deployments", "patch", "cart-api", false],
    ["checkout-staging", "apps", "deployments", "list", undefined, false],
    ["checkout-production", "", "configmaps", "create", undefined, false],
    ["", "", "namespaces", "create", undefined, false],
    ["", "", "namespaces", "delete", previews, false],
  ];
  for (const [who, subject] of [
    ["EKS group (preview role's access entry)", group],
    ["ServiceAccount preview-deployer", account],
  ] as const) {
    it.each(cases)(
      `${who}: in %s, %s/%s %s %s -> %s`,
      (namespace, apiGroup, resource, verb, name, expected) => {
        expect(allowed(rbac(subject), subject, { namespace, apiGroup, resource, verb, name })).toBe(expected);
      },
    );
  }

  it("the staging deployer gets nothing in the previews namespace, nor the preview deployer in staging", () => {
    const staging: Subject = {
      kind: "Group",
      name: deployerGroup("checkout-staging"),
      apiGroup: "rbac.authorization.k8s.io",
    };
    const objects = [...rbac(group)];
    const req = {
      namespace: previews,
      apiGroup: "apps",
      resource: "deployments",
      verb: "patch",
      name: "pr-1-cart-api",
    };
    expect(allowed(objects, staging, req)).toBe(false);
    expect(allowed(objects, group, req)).toBe(true);
    expect(allowed(objects, group, { ...req, namespace: "checkout-staging", name: "cart-api" })).toBe(false);
  });

  it("the preview deployer's Role grants nothing cluster-wide: a Role, never a ClusterRole or its binding", () => {
    const role = roleManifest(previews, "preview-deployer", previewDeployerRules(), {});
    expect(role.kind).toBe("Role");
    expect(role.metadata.namespace).toBe(previews);
    const resources = previewDeployerRules().flatMap((r) => r.resources);
    expect(resources).not.toContain("namespaces");
    expect(resources).not.toContain("secrets");
    expect(resources.some((r) => r.includes("*"))).toBe(false);
  });
});

describe("reaching the cluster", () => {
  it("an EKS kubeconfig runs aws eks get-token for the cluster and region (no stored token)", () => {
    const config = JSON.parse(
      eksKubeconfig({
        name: "acme",
        region: "eu-west-1",
        endpoint: "https://x.eks.amazonaws.com",
        certificateAuthorityData: "Q0E=",
      }),
    );
    expect(config.users[0].user.exec.args).toEqual([
      "eks",
      "get-token",
      "--cluster-name",
      "acme",
      "--region",
      "eu-west-1",
      "--output",
      "json",
    ]);
    expect(config.users[0].user.token).toBeUndefined();
    expect(kubeconfigEndpoint(JSON.stringify(config), "k")).toEqual({
      server: "https://x.eks.amazonaws.com",
      certificateAuthorityData: "Q0E=",
    });
  });

  it("reads the server of a kubeconfig's current context, and never echoes the kubeconfig in an error", () => {
    const kubeconfig = [
      "apiVersion: v1",
      "clusters:",
      "- name: a\n  cluster: {server: 'https://a.example:6443', certificate-authority-data: QUE=}",
      "- name: b\n  cluster: {server: 'https://b.example:6443'}",
      "contexts:",
      "- name: one\n  context: {cluster: a, user: u}",
      "- name: two\n  context: {cluster: b, user: u}",
      "current-context: two",
      "users:\n- name: u\n  user: {token: SUPERSECRET}",
    ].join("\n");
    expect(kubeconfigEndpoint(kubeconfig, "kubeconfig")).toEqual({ server: "https://b.example:6443" });
    const broken = kubeconfig.replace("current-context: two", "current-context: three");
    expect(() => kubeconfigEndpoint(broken, "kubeconfig")).toThrow(
      /stack secret kubeconfig: .*current-context/,
    );
    try {
      kubeconfigEndpoint(broken, "kubeconfig");
    } catch (err) {
      expect(String(err)).not.toContain("SUPERSECRET");
    }
  });

  it("access entries need the API authentication mode; images must be the team's, by digest", () => {
    expect(accessEntriesProblem("acme", "API_AND_CONFIG_MAP")).toBeUndefined();
    expect(accessEntriesProblem("acme", "CONFIG_MAP")).toMatch(/authentication mode CONFIG_MAP/);
    expect(imageProblem(`${REGISTRY}@${DIGEST}`, REGISTRY)).toBeUndefined();
    expect(imageProblem(`${REGISTRY}:v1.2.3`, REGISTRY)).toMatch(/not pinned by digest/);
    expect(imageProblem(`docker.io/library/nginx@${DIGEST}`, REGISTRY)).toMatch(
      /not from the service's registry/,
    );
  });
});
