// Finds the Claude Code CLI installed from npm (`@anthropic-ai/claude-code`), wherever npm put
// it: hoisted to the repository root by workspaces, or in vm/node_modules in the image.
import { accessSync, constants, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The CLI's executable, or undefined when the package is not installed. */
export function resolveClaudeBin(from: string = import.meta.url): string | undefined {
  try {
    const manifestPath = createRequire(from).resolve("@anthropic-ai/claude-code/package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: string | Record<string, string> };
    const relative = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.claude;
    if (!relative) return undefined;
    const bin = join(dirname(manifestPath), relative);
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    return undefined;
  }
}
