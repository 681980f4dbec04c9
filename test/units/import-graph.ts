// The import graph of a tree, read with TypeScript's own parser: every kind of import (static,
// `export … from`, `import type`, `import("…")` with a literal), resolved to files, and the circles
// and folder edges of that graph. Shared by the circle test and the relay's layout test.
import { dirname, join } from "node:path";
import ts from "typescript";

/** What a source file of the trees is named like. */
export const SOURCE = /\.(ts|mts|mjs|js)$/;

/** Every module specifier `code` imports or re-exports, in source order. */
export function importsIn(fileName: string, code: string): string[] {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) found.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The file a relative specifier of `from` names, or null for a package or a file that is not there. */
export function resolveImport(from: string, specifier: string, exists: (path: string) => boolean): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = join(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.mjs`, join(base, "index.ts")];
  return candidates.find((path) => SOURCE.test(path) && exists(path)) ?? null;
}

/** Every circle of `graph` (Tarjan's strongly connected components of more than one node, or a node importing itself), each sorted. */
export function circlesIn(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) circles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return circles;
}

/** The node a file of vm/src is in (its path relative to vm/src): its first-level folder, or the file itself at the top. */
export function folderOf(path: string): string {
  const [first, ...rest] = path.split("/");
  return rest.length > 0 ? first! : path;
}

/** The folder graph of file-level imports, and the file imports behind each folder edge; imports inside a folder are left out. */
export function folderGraphOf(files: ReadonlyMap<string, readonly string[]>): { graph: Map<string, string[]>; edges: Map<string, string[]> } {
  const graph = new Map<string, string[]>();
  const edges = new Map<string, string[]>();
  for (const [file, imported] of files) {
    const from = folderOf(file);
    const targets = graph.get(from) ?? [];
    graph.set(from, targets);
    for (const target of imported) {
      const to = folderOf(target);
      if (to === from) continue;
      if (!targets.includes(to)) targets.push(to);
      edges.set(`${from} -> ${to}`, [...(edges.get(`${from} -> ${to}`) ?? []), `${file} -> ${target}`]);
    }
  }
  return { graph, edges };
}

/**
 * A shortest circle through the nodes of one strongly connected component, as the nodes walked
 * (the first one again at the end): what a failure names, so the edge to break is in view.
 */
export function shortestCircleIn(graph: ReadonlyMap<string, readonly string[]>, component: readonly string[]): string[] {
  const members = new Set(component);
  let best: string[] = [];
  for (const start of component) {
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0 && !cameFrom.has(start)) {
      const node = queue.shift()!;
      for (const to of graph.get(node) ?? []) {
        if (!members.has(to) || cameFrom.has(to)) continue;
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
    const path = [start];
    for (let node = cameFrom.get(start); node !== undefined && node !== start; node = cameFrom.get(node)) path.unshift(node);
    path.unshift(start);
    if (cameFrom.has(start) && (best.length === 0 || path.length < best.length)) best = path;
  }
  return best;
}
