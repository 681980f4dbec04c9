// The MCP SDK's server side, loaded on first use from a file of its own (mcp-sdk-parts.ts, bundled
// apart by vm/build.mjs), never at the server's start. Measured with the image's flags, 5 starts
// each: the server's bundle holding the SDK, even as code that never runs, idles at 72.6 MB RSS
// (27.3 anonymous) against 61.6 (16.3) without it; the extra is the start's parse of a larger
// script, not the heap (docs/notes/cold-path.md). An idle VM, or one whose runs offer no relay
// tools, never loads it. Offering the tools to an agent starts the load (relay-mcp-config.ts), so
// the CLI, which takes far longer to start, finds it done when it first connects.
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

export type McpSdk = typeof import("./mcp-sdk-parts");

/** Next to this module: the .ts under tsx, the bundle's sibling .cjs in the image. */
const PARTS_URL = new URL(`./mcp-sdk-parts${extname(fileURLToPath(import.meta.url)) === ".ts" ? ".ts" : ".cjs"}`, import.meta.url).href;

let loading: Promise<McpSdk> | null = null;

export function loadMcpSdk(): Promise<McpSdk> {
  loading ??= (import(PARTS_URL) as Promise<McpSdk & { default?: McpSdk }>).then((parts) => (parts.default?.Server ? parts.default : parts));
  return loading;
}
