// Validates Mermaid text with Mermaid's own parser (the one GitHub's renderer runs).
// Mermaid is ESM-only and expects a browser, so the diagram tests run this in a child process:
// stdin is a JSON array of diagram texts; stdout is a JSON array of null (valid) or the error.
import DOMPurify from "dompurify";

// Without a DOM, DOMPurify has no sanitize(); parsing never needs it to do anything.
DOMPurify.sanitize = (text) => text;
DOMPurify.addHook = () => {};

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push(
      parsed && parsed.diagramType.startsWith("flowchart")
        ? null
        : `not a flowchart: ${JSON.stringify(parsed)}`,
    );
  } catch (err) {
    results.push(String(err && err.message ? err.message : err));
  }
}
process.stdout.write(JSON.stringify(results));
