// The image bundles each library's ES module build (vm/build.mjs, `mainFields`), while Node's own
// loader, which runs every other test, picks graphql's and diff2html's CommonJS builds. Each pure
// module that uses them is bundled here with the image's options and must answer as its source
// does: the GraphQL scope (graphql's parser), a change's HTML (diff2html over jsdiff), an
// approval's diff (jsdiff), and the picture's syntax tokens (highlight.js). And zod is imported as a
// namespace everywhere: one `import { z }` keeps all of classic zod, its locales included, in the
// bundle (docs/notes/vm-memory.md, the bundle halved).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleOptions } from "../build.mjs";
import { approvalEdit } from "../src/core/approval-edit";
import { diffToHtml } from "../src/core/diff-html";
import { graphqlDecision } from "../src/core/github-graphql-scope";
import { languageOf, tokenizeLines } from "../src/core/syntax-tokens";

const VM = fileURLToPath(new URL("..", import.meta.url));
type Modules = { graphqlDecision: typeof graphqlDecision; diffToHtml: typeof diffToHtml; approvalEdit: typeof approvalEdit; tokenizeLines: typeof tokenizeLines };

let dir = "";
let bundled: Modules;
beforeAll(async () => {
  mkdirSync(join(VM, "dist"), { recursive: true });
  dir = mkdtempSync(join(VM, "dist", "test-libraries-"));
  const entry = join(dir, "entry.ts");
  const source = (file: string) => JSON.stringify(join(VM, "src/core", file));
  writeFileSync(
    entry,
    [
      `export { graphqlDecision } from ${source("github-graphql-scope")};`,
      `export { diffToHtml } from ${source("diff-html")};`,
      `export { approvalEdit } from ${source("approval-edit")};`,
      `export { tokenizeLines } from ${source("syntax-tokens")};`,
    ].join("\n"),
  );
  const result = await build({ ...bundleOptions, entryPoints: [{ in: entry, out: "libraries" }], outdir: dir, metafile: true });
  // What the option is for: graphql's parser alone, from its ES build.
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
  const inputs = Object.entries(output?.inputs ?? {}).flatMap(([file, { bytesInOutput }]) => (bytesInOutput > 0 ? [file] : []));
  expect(inputs.some((f) => f.includes("node_modules/graphql/language/parser"))).toBe(true);
  expect(inputs.filter((f) => f.includes("node_modules/graphql/")).every((f) => f.endsWith(".mjs"))).toBe(true);
  expect(inputs.some((f) => f.includes("node_modules/graphql/type/"))).toBe(false);
  bundled = createRequire(import.meta.url)(join(dir, "libraries.cjs")) as Modules;
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const REPOS = ["acme/api"];
const QUERIES: Array<[string, unknown, boolean]> = [
  ["a read of the user's repository", { query: "query($o: String!) { repository(owner: $o, name: \"api\") { issues(first: 5) { nodes { title } } } }", variables: { o: "acme" } }, true],
  ["another repository", { query: '{ repository(owner: "acme", name: "secret") { id } }' }, false],
  ["a mutation", { query: 'mutation { addStar(input: { starrableId: "x" }) { clientMutationId } }' }, false],
  ["a syntax error (graphql's own error)", { query: "{ repository(owner: " }, false],
  ["a fragment spread", { query: 'query { repository(owner: "acme", name: "api") { ...f } } fragment f on Repository { name }' }, true],
];

describe("bundled with the image's options, each library answers as in the tests", () => {
  it.each(QUERIES)("graphql: %s", (_, body, allowed) => {
    const decision = bundled.graphqlDecision(REPOS, body);
    expect(decision).toEqual(graphqlDecision(REPOS, body));
    expect(decision.allow).toBe(allowed);
  });

  it("diff2html and jsdiff: a change's HTML", () => {
    const diff = ["diff --git a/src/a.ts b/src/a.ts", "--- a/src/a.ts", "+++ b/src/a.ts", "@@ -1,2 +1,2 @@", " const x = 1;", '-const y = "<b>";', "+const y = 2;", ""].join("\n");
    const html = bundled.diffToHtml(diff);
    expect(html).toBe(diffToHtml(diff));
    expect(html).toContain('<span class="d2h-file-name">src/a.ts</span>');
    expect(html).toContain("&lt;b&gt;");
  });

  it("jsdiff: an approval's diff", () => {
    const input = { file_path: "/work/main/src/add.js", old_string: "  return a - b;", new_string: "  return a + b;" };
    const before = "function add(a, b) {\n  return a - b;\n}\n";
    const where = { cwd: "/work/main", secrets: [] };
    const edit = bundled.approvalEdit("Edit", input, before, where);
    expect(edit).toEqual(approvalEdit("Edit", input, before, where));
    expect(edit).toMatchObject({ path: "src/add.js", added: 1, removed: 1 });
  });

  it("highlight.js: the picture's syntax tokens", () => {
    const code = "const x: number = 1; // one\nfunction f() {}";
    const tokens = bundled.tokenizeLines(code, languageOf("src/a.ts"));
    expect(tokens).toEqual(tokenizeLines(code, languageOf("src/a.ts")));
    expect(tokens.flat()).toContainEqual({ text: "const", scope: "keyword" });
  });
});

it("imports zod as a namespace in every module of the VM: `{ z }` would bundle all of it", () => {
  const files = readdirSync(join(VM, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  expect(files.length).toBeGreaterThan(100);
  const offending = files.filter((f) => /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*"zod(\/[^"]*)?"/.test(readFileSync(join(VM, "src", f), "utf8")));
  expect(offending).toEqual([]);
});
