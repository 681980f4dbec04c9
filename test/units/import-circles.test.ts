// No import circles: the relay, the VM, the local stack and the emulators each import one way. A
// circle (a module that reaches itself through its imports) says two rooms are one, or that a
// piece belongs in a third. Imports are read with TypeScript's own parser, every kind of them:
// static, `export … from`, `import type` (a circle of types is still one room) and `import("…")`
// with a literal. vm/test is walked too: a test's helpers can close a circle like any module.
// vm/src's folders import one way as well, from the routes down to the pure core: a circle of
// folders, even with none of files, says their rooms are drawn wrong.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { SOURCE, circlesIn, folderGraphOf, folderOf, importsIn, resolveImport, shortestCircleIn } from "./import-graph";

const ROOT = join(import.meta.dirname, "..", "..");
const DIRS = ["src", "vm", "scripts", "emulator"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

describe("import circles", () => {
  it("reads static, type-only, re-exported and dynamic imports, and no computed one", () => {
    const code = [
      'import { a } from "./a";',
      'import type { B } from "./b.js";',
      'import "./side-effect";',
      'export { c } from "../c";',
      'export * from "./d/index";',
      'export type { E } from "./e";',
      'const f = await import("./f");',
      'const g = await import(`./g`);',
      "const h = await import(name);",
      'type I = typeof import("./i");',
      'import { z } from "zod";',
      '// import { j } from "./j";',
    ].join("\n");
    expect(importsIn("x.ts", code)).toEqual(["./a", "./b.js", "./side-effect", "../c", "./d/index", "./e", "./f", "./g", "./i", "zod"]);
  });

  it.each([
    { specifier: "./b", files: ["/r/b.ts"], want: "/r/b.ts" },
    { specifier: "./b.js", files: ["/r/b.ts"], want: "/r/b.ts" },
    { specifier: "./b.mjs", files: ["/r/b.mjs"], want: "/r/b.mjs" },
    { specifier: "./d", files: ["/r/d/index.ts"], want: "/r/d/index.ts" },
    { specifier: "../up/c.ts", files: ["/up/c.ts"], want: "/up/c.ts" },
    { specifier: "./schema.sql", files: ["/r/schema.sql"], want: null },
    { specifier: "hono", files: [], want: null },
  ])("resolves $specifier to $want", ({ specifier, files, want }) => {
    expect(resolveImport("/r/a.ts", specifier, (path) => files.includes(path))).toBe(want);
  });

  it.each([
    { name: "no circle", graph: { a: ["b"], b: ["c"], c: [] }, want: [] },
    { name: "a circle of two", graph: { a: ["b"], b: ["a"], c: ["a"] }, want: [["a", "b"]] },
    { name: "a circle of three", graph: { a: ["b"], b: ["c"], c: ["a", "d"], d: [] }, want: [["a", "b", "c"]] },
    { name: "a self-import", graph: { a: ["a"], b: ["a"] }, want: [["a"]] },
    { name: "two circles apart", graph: { a: ["b"], b: ["a", "c"], c: ["d"], d: ["c"] }, want: [["a", "b"], ["c", "d"]] },
    { name: "a diamond, no circle", graph: { a: ["b", "c"], b: ["d"], c: ["d"], d: [] }, want: [] },
  ])("finds $name", ({ graph, want }) => {
    const found = circlesIn(new Map(Object.entries(graph))).sort((x, y) => x[0]!.localeCompare(y[0]!));
    expect(found).toEqual(want);
  });

  it("none in src/, vm/, scripts/ or emulator/", () => {
    const files = DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    const known = new Set(files);
    const exists = (path: string): boolean => known.has(path) || (SOURCE.test(path) && isFile(path));
    const graph = new Map(
      files.map((file) => [
        file,
        importsIn(file, readFileSync(file, "utf8"))
          .map((specifier) => resolveImport(file, specifier, exists))
          .filter((path): path is string => path !== null),
      ]),
    );
    // The walk reaches every tree, and reads imports between them.
    expect(files.map((path) => relative(ROOT, path))).toEqual(expect.arrayContaining(["src/phone-agent.ts", "vm/src/server.ts", "scripts/start.ts", "emulator/server.ts"]));
    expect(graph.get(join(ROOT, "src/phone-agent.ts"))!.length).toBeGreaterThan(3);
    const circles = circlesIn(graph).map((circle) => circle.map((path) => relative(ROOT, path)).join(" · "));
    expect(circles).toEqual([]);
  });

  it("the emulator imports nothing of scripts/: the local stack starts the stand-ins, never the other way", () => {
    const emulator = sourceFiles(join(ROOT, "emulator"));
    const known = new Set(DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))));
    const intoScripts = emulator.flatMap((file) =>
      importsIn(file, readFileSync(file, "utf8"))
        .map((specifier) => resolveImport(file, specifier, (path) => known.has(path)))
        .filter((path): path is string => path !== null && relative(ROOT, path).startsWith("scripts/"))
        .map((path) => `${relative(ROOT, file)} -> ${relative(ROOT, path)}`),
    );
    expect(emulator.length).toBeGreaterThan(50);
    expect(intoScripts).toEqual([]);
  });

  it.each([
    { path: "server.ts", want: "server.ts" },
    { path: "runs/run.ts", want: "runs" },
    { path: "core/deeper/x.ts", want: "core" },
  ])("puts vm/src/$path in $want", ({ path, want }) => {
    expect(folderOf(path)).toBe(want);
  });

  it("draws the folder graph of file imports, and names a shortest circle of it", () => {
    const files = new Map([
      ["http/routes.ts", ["http/body.ts", "runs/manager.ts", "core/phase.ts"]],
      ["http/body.ts", []],
      ["runs/manager.ts", ["runs/run.ts", "users/paths.ts"]],
      ["runs/run.ts", ["core/phase.ts", "http/body.ts"]],
      ["users/paths.ts", ["runs/run.ts"]],
      ["core/phase.ts", []],
      ["main.ts", ["http/routes.ts"]],
    ]);
    const { graph, edges } = folderGraphOf(files);
    expect(Object.fromEntries(graph)).toEqual({ http: ["runs", "core"], runs: ["users", "core", "http"], users: ["runs"], core: [], "main.ts": ["http"] });
    expect(edges.get("runs -> http")).toEqual(["runs/run.ts -> http/body.ts"]);
    const [circle] = circlesIn(graph);
    expect(circle).toEqual(["http", "runs", "users"]);
    // Two circles of two through runs: the first member's is named.
    expect(shortestCircleIn(graph, circle!)).toEqual(["http", "runs", "http"]);
    expect(shortestCircleIn(graph, ["users", "runs"])).toEqual(["users", "runs", "users"]);
  });

  it("none between the folders of vm/src", () => {
    const src = join(ROOT, "vm", "src");
    const files = sourceFiles(src);
    const known = new Set(files);
    const imports = new Map(
      files.map((file) => [
        relative(src, file),
        importsIn(file, readFileSync(file, "utf8"))
          .map((specifier) => resolveImport(file, specifier, (path) => known.has(path)))
          .filter((path): path is string => path !== null)
          .map((path) => relative(src, path)),
      ]),
    );
    const { graph, edges } = folderGraphOf(imports);
    // The walk reaches the folders and the top-level files, and reads the imports between them.
    expect([...graph.keys()]).toEqual(expect.arrayContaining(["core", "http", "runs", "users", "server.ts", "config.ts"]));
    expect(graph.get("server.ts")!.length).toBeGreaterThan(5);
    const circles = circlesIn(graph).map((component) => {
      const circle = shortestCircleIn(graph, component);
      const hops = circle.slice(1).map((to, i) => `${circle[i]} -> ${to} (${edges.get(`${circle[i]} -> ${to}`)!.join(", ")})`);
      return `${component.join(" · ")}, e.g. ${hops.join("; ")}`;
    });
    expect(circles).toEqual([]);
  });
});

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
