// The Dockerfile can't be built here (no Docker engine), so it is checked against the repository:
// every COPY source exists (build context: the root), and its choices are the ones documented.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { MCP_SERVER_NODE_FLAGS } from "../src/relay-mcp-config.js";
import { startScriptArgs } from "./helpers/vm-child.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(join(ROOT, "vm/Dockerfile"), "utf8");
// Continuation lines joined, comments dropped: one instruction per entry.
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));

it("copies only paths that exist in the repository (context: the root)", () => {
  const copies = instructions.filter((l) => /^COPY\s/i.test(l) && !/--from=/i.test(l));
  expect(copies.length).toBeGreaterThanOrEqual(5);
  for (const copy of copies) {
    const sources = copy.split(/\s+/).slice(1, -1).filter((s) => !s.startsWith("--"));
    for (const source of sources) expect(existsSync(join(ROOT, source)), `${copy}: ${source}`).toBe(true);
  }
  const ignore = readFileSync(join(ROOT, "vm/Dockerfile.dockerignore"), "utf8");
  for (const copy of copies) {
    for (const source of copy.split(/\s+/).slice(1, -1)) {
      expect(ignore, `${source} must be let through the .dockerignore`).toContain(`!${statSync(join(ROOT, source)).isDirectory() ? `${source}/**` : source}`);
    }
  }
});

it("builds on Node 22 slim, installs git, runs built JavaScript as the non-root node user", () => {
  expect(instructions.filter((l) => l.startsWith("FROM ")).every((l) => /^FROM node:22-slim\b/.test(l))).toBe(true);
  expect(dockerfile).toMatch(/apt-get install[^\n]*\bgit\b/);
  expect(instructions.at(-1)).toMatch(/^CMD \["node", (".+", )*"dist\/vm\/src\/main\.js"\]$/);
  const entrypoint = readFileSync(join(ROOT, "vm/docker-entrypoint.sh"), "utf8");
  expect(entrypoint).toMatch(/exec setpriv --reuid=node --regid=node --init-groups -- "\$@"/);
  expect(statSync(join(ROOT, "vm/docker-entrypoint.sh")).mode & 0o111).not.toBe(0);
});

it("pins the build tools at the repository's own versions and the CLI at the workspace's", () => {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  expect(dockerfile).toContain(`typescript@${root.devDependencies.typescript}`);
  expect(dockerfile).toContain(`@types/node@${root.devDependencies["@types/node"]}`);
  const vm = JSON.parse(readFileSync(join(ROOT, "vm/package.json"), "utf8")) as { dependencies: Record<string, string> };
  for (const version of Object.values(vm.dependencies)) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
});

it("starts the server with the same V8 flags as `npm run vm`, and the MCP server with those but --expose-gc", () => {
  const cmd = JSON.parse(instructions.at(-1)?.replace(/^CMD /, "") ?? "[]") as string[];
  const imageFlags = cmd.slice(1, -1);
  expect(imageFlags).toEqual(startScriptArgs().slice(0, startScriptArgs().indexOf("--import")));
  expect(imageFlags).toContain("--expose-gc");
  expect(imageFlags.filter((f) => f !== "--expose-gc")).toEqual(MCP_SERVER_NODE_FLAGS);
  expect(dockerfile).toMatch(/^ENV .*\bMALLOC_ARENA_MAX=1\b/m);
});
