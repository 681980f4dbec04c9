// Bundles the VM server and the relay tools' MCP server into dist/main.cjs and
// dist/relay-mcp-main.cjs: what the image runs (`npm run build`; the Dockerfile and the
// benchmark both call it). Usage: `node build.mjs [outdir]` (default dist).
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

await build({
  absWorkingDir: dirname(fileURLToPath(import.meta.url)),
  entryPoints: ["src/main.ts", "src/relay-mcp-main.ts"],
  outdir: process.argv[2] ?? "dist",
  // One file per entry, only the code it reaches: zod's locales and the unused parts of Hono are
  // never loaded. CommonJS, because Node turns `import … from "node:http"` in an ES module into
  // a facade that reads every export, which loads modules the VM never uses (docs/vm.md, idle memory).
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  minify: true,
  // resvg-js is a native addon (a prebuilt `.node` per platform, an npm package of its own), which
  // esbuild cannot bundle: it is required at run time from node_modules, which the image's final
  // stage installs (the diff picture, src/diff-picture-render.ts).
  external: ["@resvg/resvg-js"],
  // `import.meta.url` has no CommonJS equivalent: the modules that locate files next to
  // themselves (the MCP server, the CLI's package) get the bundle's own URL instead. The banner
  // comes first in the file, so it repeats "use strict" to keep the whole bundle strict.
  banner: { js: '"use strict";const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "importMetaUrl" },
  logLevel: "warning",
});
