// The relay tools' MCP server as agents start it: always from one bundled JavaScript file, never
// through a TypeScript loader (under tsx, loading tsx and compiling the sources took 0.3-1.5 s of
// every cold run's start: docs/notes/cold-path.md). The image's dist/relay-mcp-main.cjs is used as
// it is; under tsx the sources are bundled once as vm/build.mjs does, into DATA_DIR/.cli. The CLI
// starts it as the agent's uid: where this server's node or module is out of the agents' reach (a
// checkout under a private directory), that node is installed beside the bundle (cli-install.ts).
import { createHash } from "node:crypto";
import { readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chainOf, installOnce, place } from "../cli/cli-install";
import { closedToOthers } from "../core/cli-reach";
import { MCP_SERVER_NODE_FLAGS, relayMcpCommand, type McpCommand } from "./relay-mcp-config";

/** esbuild is a devDependency: only the sources need it, never the image. Named apart so the bundle leaves it out. */
const ESBUILD = "esbuild";

async function bundleOf(entry: string): Promise<string> {
  if (entry.endsWith(".cjs")) return readFileSync(entry, "utf8");
  const esbuild = (await import(ESBUILD)) as typeof import("esbuild");
  const built = await esbuild.build({
    entryPoints: [entry],
    write: false,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    banner: { js: '"use strict";const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { "import.meta.url": "importMetaUrl" },
    logLevel: "warning",
  });
  const [file] = built.outputFiles;
  if (!file) throw new Error("esbuild wrote nothing");
  return file.text;
}

/** The paths the command reads: node, the module, and tsx's loader under tsx. */
function closedPathOf(command: McpCommand): string | null {
  const files = [command.command, ...command.args.filter((arg) => arg.startsWith("file:") || arg.startsWith("/"))];
  for (const file of files) {
    const path = file.startsWith("file:") ? fileURLToPath(file) : file;
    const closed = closedToOthers(chainOf(realpathSync(path)), path === command.command ? "native" : "module");
    if (closed) return closed;
  }
  return null;
}

export async function relayMcpForAgents(dataDir: string, base: McpCommand = relayMcpCommand()): Promise<{ command: McpCommand; line: string | null }> {
  const closedAt = closedPathOf(base);
  const entry = base.args.at(-1) ?? "";
  if (closedAt === null && entry.endsWith(".cjs")) return { command: base, line: null };
  const why = closedAt === null ? null : `agents cannot start the relay tools' MCP server (${closedAt} is closed to other users)`;
  try {
    const node = realpathSync(base.command);
    const bundle = await bundleOf(entry);
    const { size, mtimeMs } = statSync(node);
    const key = createHash("sha256").update(`${node}\n${size}\n${Math.trunc(mtimeMs)}\n${closedAt !== null}\n${bundle}`).digest("hex").slice(0, 12);
    const installed = installOnce(dataDir, "relay-mcp", key, (tmp) => {
      writeFileSync(join(tmp, "relay-mcp-main.cjs"), bundle, { mode: 0o644 });
      // A node the agents can reach already is used where it is.
      return closedAt === null ? "copy" : place(node, join(tmp, "node"));
    });
    const command = { command: closedAt === null ? base.command : join(installed.dir, "node"), args: [...MCP_SERVER_NODE_FLAGS, join(installed.dir, "relay-mcp-main.cjs")] };
    return { command, line: why === null ? null : `vm: ${why}: it runs from ${installed.dir}` };
  } catch (error) {
    return { command: base, line: `vm: ${why ?? "the relay tools' MCP server could not be bundled"}${why ? ", and installing it for them failed" : ""}: ${String(error)}` };
  }
}
