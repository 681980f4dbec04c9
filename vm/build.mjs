// Bundles the VM server (the relay tools' MCP endpoint included) into dist/main.cjs, and the MCP
// SDK's parts that endpoint loads on first use into dist/mcp-sdk-parts.cjs: what the image runs (`npm run build`; the Dockerfile and the
// benchmark both call it). Usage: `node build.mjs [outdir] [metafile]` (default dist; the
// metafile, esbuild's list of every file the bundle read, is written only when named: the image's
// build-context test checks each of them lies inside what vm/Dockerfile copies). The options are
// exported for the test that checks the libraries behave the same bundled as in the tests
// (vm/test/bundle-libraries.test.ts).
import { realpathSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** esbuild's options for the VM's bundles, entries aside. */
export const bundleOptions = {
  absWorkingDir: dirname(fileURLToPath(import.meta.url)),
  // This one for every file, src/protocol's included: found by walking up from each file, theirs
  // would be the root's tsconfig.json, which the image's context does not hold.
  tsconfig: "tsconfig.json",
  // One file per entry, only the code it reaches: zod's locales and the unused parts of Hono are
  // never loaded. CommonJS, because Node turns `import … from "node:http"` in an ES module into
  // a facade that reads every export, which loads modules the VM never uses (docs/vm.md, idle memory).
  bundle: true,
  platform: "node",
  // A package's ES module build before its CommonJS one, as for a browser: only ES modules can
  // be cut to the parts used. graphql's CommonJS index is all of graphql-js (263 KB minified, of
  // which the scope check uses the parser), and diff2html's requires all of jsdiff; both publish
  // an ES build of the same version without an `exports` map, which Node's own loader (the tests)
  // never picks. The server's start parses 0.6 MB instead of 1.26 (docs/notes/vm-memory.md).
  mainFields: ["module", "main"],
  target: "node22",
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  minify: true,
  // resvg-js is a native addon (a prebuilt `.node` per platform, an npm package of its own), which
  // esbuild cannot bundle: it is required at run time from node_modules, which the image's final
  // stage installs (the diff picture, src/checkpoints/diff-picture-render.ts).
  // playwright-core (which loads its parts by path) and @sparticuz/chromium (which finds its
  // brotli archives next to its package.json) are required the same way, for /shot.
  external: ["@resvg/resvg-js", "playwright-core", "@sparticuz/chromium"],
  // `import.meta.url` has no CommonJS equivalent: the modules that locate files next to
  // themselves (the CLI's package, the SDK's parts) get the bundle's own URL instead. The banner
  // comes first in the file, so it repeats "use strict" to keep the whole bundle strict.
  banner: { js: '"use strict";const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "importMetaUrl" },
  logLevel: "warning",
};

// Run as a script (not imported by the test): Node gives this module its real path, so the
// command line's is resolved the same way, symbolic links and all.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outdir = "dist", metafile] = process.argv.slice(2);
  const result = await build({
    ...bundleOptions,
    entryPoints: [
      { in: "src/main.ts", out: "main" },
      // Apart, so the server's start never parses it (relay-tools/mcp-sdk.ts).
      { in: "src/relay-tools/mcp-sdk-parts.ts", out: "mcp-sdk-parts" },
    ],
    outdir,
    metafile: metafile !== undefined,
  });
  if (metafile !== undefined) writeFileSync(metafile, JSON.stringify(result.metafile));
}
