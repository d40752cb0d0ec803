import { k8sImageDigest as rule } from "./k8s-image-digest";
import { messages } from "../testing";
import { container, deployment, deploymentInputs, TEAM_IMAGE } from "./k8s-test-fixtures";

describe(rule.id, () => {
  it("passes the team's ECR image by digest, and an image not known yet", () => {
    expect(messages(rule, [deployment(deploymentInputs())])).toEqual([]);
    const d = deploymentInputs();
    container(d).image = "[unknown]";
    expect(messages(rule, [deployment(d)])).toEqual([]);
  });
  it("fires on a tag, on a public image, and on another team's repository", () => {
    const tagged = deploymentInputs();
    container(tagged).image = TEAM_IMAGE.replace(/@sha256:.*/, ":v1.2.3");
    expect(messages(rule, [deployment(tagged)])).toEqual([
      expect.stringMatching(
        /^containers\[0\] \(cart-api\): image ".*:v1\.2\.3" is not an ECR image pinned by digest/,
      ),
    ]);
    const publicImage = deploymentInputs();
    container(publicImage).image = `docker.io/library/nginx@sha256:${"ab".repeat(32)}`;
    expect(messages(rule, [deployment(publicImage)])).toHaveLength(1);
    const otherTeam = deploymentInputs();
    container(otherTeam).image = TEAM_IMAGE.replace("/checkout/", "/payments/");
    expect(messages(rule, [deployment(otherTeam)])).toEqual([
      expect.stringMatching(/is not from the team's registry \(checkout\/<service>\)$/),
    ]);
  });
});
