import { dataSafety as rule } from "./data-safety";
import { messages, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes protected or retained stateful resources", () => {
    expect(
      messages(rule, [res(T.ghRepository, { name: "cart-api", archiveOnDestroy: true }, { protect: true })]),
    ).toEqual([]);
    expect(messages(rule, [res(T.ecrRepository, { name: "x" }, { protect: true })])).toEqual([]);
    expect(
      messages(rule, [
        res(T.ssmParameter, { name: "/checkout/staging/cart-api/release" }, { retainOnDelete: true }),
      ]),
    ).toEqual([]);
  });
  it("fires on an unprotected, unretained registry or release parameter", () => {
    expect(messages(rule, [res(T.ecrRepository, { name: "x" })])).toEqual([
      "is neither protected nor retained on delete",
    ]);
    expect(messages(rule, [res(T.ssmParameter, { name: "p" })])).toEqual([
      "is neither protected nor retained on delete",
    ]);
  });
  it("lets a service's configuration parameter go with its key (it holds no history)", () => {
    const config = res(T.ssmParameter, { name: "/delivery/checkout/staging/cart-api/config/LOG_LEVEL" });
    expect(messages(rule, [config])).toEqual([]);
    const release = res(T.ssmParameter, { name: "/delivery/checkout/staging/cart-api/release" });
    expect(messages(rule, [release])).not.toEqual([]);
  });
  it("fires on a repository that would be deleted instead of archived", () => {
    expect(messages(rule, [res(T.ghRepository, { name: "cart-api" }, { protect: true })])).toEqual([
      "archiveOnDestroy is not true: removing the service would delete the repository instead of archiving it",
    ]);
  });
  it("fires on forceDelete the spec did not ask for", () => {
    expect(messages(rule, [res(T.ecrRepository, { forceDelete: true }, { protect: true })])).toHaveLength(1);
  });
  it("cannot fail on retainOnDelete where the engine hides it (real policy pack)", () => {
    expect(messages(rule, [res(T.ssmParameter, { name: "p" }, { retainOnDelete: undefined })])).toEqual([]);
  });
});
