// src/ is laid out by capability, like vm/src: a folder per thing a user or operator can name, each
// opening with a README that says what it owns and which folders it may import. This test holds the
// code to those READMEs. src/README.md orders the folders from the floor up; an import from a folder
// to one below it must be declared on its README's `Imports:` line, and an import up the order fails,
// with no exception: a lower folder that needs a higher one's work takes it as a parameter or says
// what happened, and the composition above (agent/, the top files) joins them. Anything else fails,
// naming the files behind it; so does a declaration nothing uses. The floor (shared/, protocol/)
// imports nothing above it, and no folder imports the composition above it (agent/, the Durable
// Object, the Worker's entry).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { folderGraphOf, importsIn, resolveImport } from "./import-graph";

const SRC = join(import.meta.dirname, "..", "..", "src");
const SOURCE = /\.ts$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The folder names on a README line that starts with `label` (a name, then anything in brackets), or null without that line. */
export function declaredOn(readme: string, label: string): string[] | null {
  const line = readme.split("\n").find((l) => l.startsWith(label));
  if (line === undefined) return null;
  const rest = line.slice(label.length).replace(/\([^)]*\)/g, "").replace(/\.\s*$/, "");
  return rest
    .split(",")
    .map((name) => name.replace(/`/g, "").trim().replace(/\/$/, ""))
    .filter((name) => name !== "" && name !== "nothing");
}

/** What a layout breaks: each import up the order or not declared (with the files behind it), each declaration not used. */
export function layoutProblems(order: readonly string[], declared: ReadonlyMap<string, { imports: readonly string[] }>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const floor = new Map(order.map((name, i) => [name, i]));
  const problems: string[] = [];
  const used = new Set<string>();
  for (const [edge, files] of edges) {
    const [from, to] = edge.split(" -> ") as [string, string];
    const [fromFloor, toFloor] = [floor.get(from), floor.get(to)];
    if (fromFloor === undefined || toFloor === undefined) {
      problems.push(`${edge}: ${fromFloor === undefined ? from : to} is not in src/README.md's order`);
      continue;
    }
    if (toFloor > fromFloor) {
      problems.push(`${edge} runs up src/README.md's order: ${files.join(", ")}`);
      continue;
    }
    if (!declared.get(from)?.imports.includes(to)) problems.push(`${edge} not declared on ${from}/README.md's "Imports:" line: ${files.join(", ")}`);
    used.add(`${from} imports ${to}`);
  }
  for (const [from, { imports }] of declared) {
    for (const to of imports) if (!used.has(`${from} imports ${to}`)) problems.push(`${from}/README.md declares ${to} under "Imports:", which ${floor.get(to)! > floor.get(from)! ? "is above it" : "nothing of it imports"}`);
  }
  return problems;
}

function readLayout() {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const imports = new Map(
    files.map((file) => [
      relative(SRC, file),
      importsIn(file, readFileSync(file, "utf8"))
        .map((specifier) => resolveImport(file, specifier, (path) => known.has(path)))
        .filter((path): path is string => path !== null)
        .map((path) => relative(SRC, path)),
    ]),
  );
  const { graph, edges } = folderGraphOf(imports);
  const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
  const readmes = new Map(folders.map((name) => [name, readText(join(SRC, name, "README.md"))]));
  const order = declaredOn(readText(join(SRC, "README.md")) ?? "", "Order, from the floor up:") ?? [];
  return { graph, edges, folders, readmes, order };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

describe("src/ by capability", () => {
  it.each([
    { line: "Imports: shared, `protocol`, runs/ (a run's rows).", want: ["shared", "protocol", "runs"] },
    { line: "Imports: nothing.", want: [] },
  ])("reads $line", ({ line, want }) => {
    expect(declaredOn(`# x/\n\nWhat it owns.\n${line}\n`, "Imports:")).toEqual(want);
  });

  it("names an import up the order, one that is not declared, and a declaration nothing uses or that is above", () => {
    const order = ["shared", "runs", "schedules"];
    const edges = new Map([
      ["schedules -> runs", ["schedules/unit.ts -> runs/run.ts"]],
      ["runs -> schedules", ["runs/driver.ts -> schedules/unit.ts"]],
      ["runs -> shared", ["runs/driver.ts -> shared/log.ts"]],
    ]);
    const declared = new Map([
      ["schedules", { imports: ["runs", "shared"] }],
      ["runs", { imports: ["schedules"] }],
    ]);
    expect(layoutProblems(order, declared, edges)).toEqual([
      "runs -> schedules runs up src/README.md's order: runs/driver.ts -> schedules/unit.ts",
      'runs -> shared not declared on runs/README.md\'s "Imports:" line: runs/driver.ts -> shared/log.ts',
      "schedules/README.md declares shared under \"Imports:\", which nothing of it imports",
      "runs/README.md declares schedules under \"Imports:\", which is above it",
    ]);
    const fixed = new Map([
      ["schedules", { imports: ["runs"] }],
      ["runs", { imports: ["shared"] }],
    ]);
    expect(layoutProblems(order, fixed, new Map([...edges].filter(([edge]) => edge !== "runs -> schedules")))).toEqual([]);
  });

  it("every folder opens with a README that says what it owns and declares what it imports", () => {
    const { folders, readmes, order } = readLayout();
    expect(folders).toEqual(expect.arrayContaining(["shared", "protocol", "runs", "schedules", "approvals", "handoff", "archive", "agent"]));
    const missing = folders.filter((name) => {
      const text = readmes.get(name);
      return text === null || !text!.startsWith(`# ${name}/`) || declaredOn(text!, "Imports:") === null;
    });
    expect(missing).toEqual([]);
    // src/README.md orders every folder, and the top files above them.
    expect([...order].sort()).toEqual([...folders, "phone-agent.ts", "index.ts"].sort());
  });

  it("imports only what each folder's README declares, and only down the order", () => {
    const { edges, readmes, order } = readLayout();
    const declared = new Map([...readmes].map(([name, text]) => [name, { imports: declaredOn(text ?? "", "Imports:") ?? [] }]));
    // No folder keeps a list of knots to untangle any more.
    expect([...readmes].filter(([, text]) => /^Upward, to untangle:/m.test(text ?? "")).map(([name]) => name)).toEqual([]);
    // The top files compose everything: their imports are not declared anywhere.
    const between = new Map([...edges].filter(([edge]) => !/^(phone-agent|index)\.ts -> /.test(edge)));
    expect(between.size).toBeGreaterThan(40);
    expect(layoutProblems(order, declared, between)).toEqual([]);
  });

  it("the floor imports nothing above it, and nothing imports the composition but the top", () => {
    const { graph } = readLayout();
    expect(graph.get("protocol") ?? []).toEqual([]);
    expect(graph.get("shared") ?? []).toEqual(expect.not.arrayContaining(["runs", "messages", "agent"]));
    expect((graph.get("shared") ?? []).filter((to) => to !== "protocol")).toEqual([]);
    const intoComposition = [...graph]
      .filter(([from]) => !["agent", "phone-agent.ts", "index.ts"].includes(from))
      .flatMap(([from, tos]) => tos.filter((to) => ["agent", "phone-agent.ts", "index.ts"].includes(to)).map((to) => `${from} -> ${to}`));
    expect(intoComposition).toEqual([]);
  });
});
