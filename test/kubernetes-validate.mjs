// Validates Kubernetes objects against the API's OpenAPI schemas with kubernetes-models (each
// model's validate(), generated from the Kubernetes OpenAPI spec). The models are ESM-only, so
// the tests run this in a child process: stdin is a JSON array of objects; stdout is a JSON
// array of null (valid) or the validation error.
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const object of JSON.parse(input)) {
  try {
    const [group, version] = object.apiVersion.includes("/")
      ? object.apiVersion.split("/")
      : [undefined, object.apiVersion];
    const module = await import(
      group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`
    );
    const Model = module[object.kind];
    if (!Model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
    new Model(object).validate();
    results.push(null);
  } catch (err) {
    results.push(String(err && err.message ? err.message : err));
  }
}
process.stdout.write(JSON.stringify(results));
