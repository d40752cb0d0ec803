/**
 * Adopting retained resources, against moto (a local AWS API on loopback, installed by
 * scripts/test-tools.sh): resources created from the plan's inputs survive a destroy, creating them
 * again fails with "already exists", and the calls the provider's Read makes with the import ID the
 * program gives (adopt.test.ts) find them with the inputs the program has.
 */
import { planStacks, type PlannedResource } from "./harness";
import { MotoServer } from "./moto-harness";

describe("the import IDs are what the AWS API looks up (moto server on loopback)", () => {
  const moto = new MotoServer();
  let repository: PlannedResource;
  let parameter: PlannedResource;
  const running = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api@sha256:" + "ab".repeat(32);

  const aws = (...args: string[]) => moto.aws(...args);
  const ok = (...args: string[]) => moto.ok(...args);

  beforeAll(async () => {
    const plans = await planStacks({
      stacks: ["shared", "staging"],
      config: { shared: { adopt: "true" }, staging: { adopt: "true" } },
    });
    repository = plans[0].resources.find((r) => r.import === "checkout/cart-api")!;
    parameter = plans[1].resources.find((r) => r.import === "/delivery/checkout/staging/cart-api/release")!;
    expect(repository?.type).toBe("aws:ecr/repository:Repository");
    expect(parameter?.type).toBe("aws:ssm/parameter:Parameter");

    await moto.start();
  }, 120_000);

  afterAll(() => moto.stop());

  it("created from the plan's inputs, written by CI, retained: a second create fails with 'already exists'", () => {
    const r = repository.inputs as Record<string, any>;
    // What the provider's Create sends (terraform-provider-aws ecr/repository.go, ssm/parameter.go).
    ok(
      "ecr",
      "create-repository",
      "--repository-name",
      r.name,
      "--image-tag-mutability",
      r.imageTagMutability,
      "--image-scanning-configuration",
      `scanOnPush=${r.imageScanningConfiguration.scanOnPush}`,
      "--encryption-configuration",
      `encryptionType=${r.encryptionConfigurations[0].encryptionType}`,
      "--tags",
      ...Object.entries(r.tags as Record<string, string>).map(([k, v]) => `Key=${k},Value=${v}`),
    );
    const p = parameter.inputs as Record<string, any>;
    ok(
      "ssm",
      "put-parameter",
      "--name",
      p.name,
      "--type",
      p.type,
      "--value",
      p.insecureValue,
      "--description",
      p.description,
    );
    // CI deployed since: the parameter names the running release.
    ok("ssm", "put-parameter", "--name", p.name, "--type", p.type, "--value", running, "--overwrite");

    // `pulumi destroy` retained both; an `up` that creates them again is refused.
    const again = aws("ecr", "create-repository", "--repository-name", r.name);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain("RepositoryAlreadyExistsException");
    const putAgain = aws(
      "ssm",
      "put-parameter",
      "--name",
      p.name,
      "--type",
      p.type,
      "--value",
      p.insecureValue,
    );
    expect(putAgain.status).not.toBe(0);
    expect(putAgain.stderr).toContain("ParameterAlreadyExists");
  });

  it("the import IDs find them, with the inputs the program has, and the parameter still names the running release", () => {
    const r = repository.inputs as Record<string, any>;
    // The provider's Read of an imported repository: DescribeRepositories --repository-names <id>.
    const [found] = ok("ecr", "describe-repositories", "--repository-names", repository.import!).repositories;
    expect(found.repositoryName).toBe(r.name);
    expect(found.imageTagMutability).toBe(r.imageTagMutability);
    expect(found.imageScanningConfiguration).toEqual(r.imageScanningConfiguration);
    expect(found.encryptionConfiguration.encryptionType).toBe(r.encryptionConfigurations[0].encryptionType);
    const tags = ok("ecr", "list-tags-for-resource", "--resource-arn", found.repositoryArn).tags;
    expect(Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))).toEqual(
      r.tags,
    );

    // Of an imported parameter: GetParameter --name <id>, then DescribeParameters by name.
    const p = parameter.inputs as Record<string, any>;
    const got = ok("ssm", "get-parameter", "--name", parameter.import!).Parameter;
    expect(got.Name).toBe(p.name);
    expect(got.Type).toBe(p.type);
    // The import keeps it: `value` is ignored, and the provider reads the value into `value`.
    expect(got.Value).toBe(running);
    expect(parameter.ignoreChanges).toEqual(expect.arrayContaining(["value", "insecureValue"]));
    const [meta] = ok(
      "ssm",
      "describe-parameters",
      "--parameter-filters",
      `Key=Name,Option=Equals,Values=${parameter.import}`,
    ).Parameters;
    expect(meta.Description).toBe(p.description);
  });

  it("the Pulumi resource name is not an ID the API knows: the import ID must be the AWS name", () => {
    const wrong = aws("ecr", "describe-repositories", "--repository-names", repository.name);
    expect(wrong.stderr).toContain("RepositoryNotFoundException");
    const wrongParameter = aws("ssm", "get-parameter", "--name", parameter.name);
    expect(wrongParameter.stderr).toContain("ParameterNotFound");
  });
});
