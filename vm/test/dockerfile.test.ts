// The Dockerfile can't be built here (no Docker engine), so it is checked against the repository:
// every COPY source exists (build context: the root), and its choices are the ones documented.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ignore from "@balena/dockerignore";
import { expect, it } from "vitest";
import { dockerInstructions, imageCommand } from "./helpers/image";
import { startScriptArgs } from "./helpers/vm-child";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(join(ROOT, "vm/Dockerfile"), "utf8");
const instructions = dockerInstructions();

it("copies only paths that exist in the repository (context: the root)", () => {
  const copies = instructions.filter((l) => /^COPY\s/i.test(l) && !/--from=/i.test(l));
  expect(copies.length).toBeGreaterThanOrEqual(5);
  for (const copy of copies) {
    const sources = copy.split(/\s+/).slice(1, -1).filter((s) => !s.startsWith("--"));
    for (const source of sources) expect(existsSync(join(ROOT, source)), `${copy}: ${source}`).toBe(true);
  }
  // Each lies inside the build context (the root .dockerignore, by Docker's own matching rules).
  const ignored = ignore({ ignorecase: false }).add(readFileSync(join(ROOT, ".dockerignore"), "utf8"));
  for (const copy of copies) {
    for (const source of copy.split(/\s+/).slice(1, -1)) expect(ignored.ignores(source), `${source} must be let through the .dockerignore`).toBe(false);
  }
});

it("builds on Node 22 slim (bookworm), runs the bundle vm/build.mjs writes as root with only the capabilities it uses", () => {
  expect(instructions.filter((l) => l.startsWith("FROM ")).every((l) => /^FROM node:22-bookworm-slim\b/.test(l))).toBe(true);
  expect(instructions).toContain("RUN node vm/build.mjs");
  expect(instructions).toContain("COPY --from=build /build/vm/dist ./dist");
  expect(instructions.at(-1)).toMatch(/^CMD \["node", (".+", )*"dist\/main\.cjs"\]$/);
  const entrypoint = readFileSync(join(ROOT, "vm/docker-entrypoint.sh"), "utf8");
  // Root (it hands each user's agent a uid of its own), no new privileges for anything it starts.
  // dac_read_search, or dac_override where the container was not given it (image-default-caps.test.ts).
  expect(entrypoint).toMatch(/^exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,\+chown,\+\$read_cap,\+fowner,\+setuid,\+setgid,\+kill,\+net_admin,\+sys_admin -- "\$@"$/m);
  expect(entrypoint).toMatch(/^read_cap=dac_read_search$/m);
  expect(entrypoint).toMatch(/^mount -o remount,hidepid=2 \/proc /m);
  expect(entrypoint).not.toMatch(/--reuid/);
  expect(imageCommand().env).toMatchObject({ AGENT_PASSWD: "1" });
  expect(statSync(join(ROOT, "vm/docker-entrypoint.sh")).mode & 0o111).not.toBe(0);
});

it("installs what an agent needs, each apt package pinned and its reason in a comment", () => {
  const install = instructions.find((l) => /apt-get install/.test(l)) ?? "";
  const packages = install.split(/\s+/).filter((word) => /^[a-z0-9][a-z0-9.+-]*=/.test(word));
  const names = packages.map((p) => p.split("=")[0]);
  expect(names.sort()).toEqual(["build-essential", "ca-certificates", "curl", "gh", "git", "iproute2", "nftables", "openssh-client", "python3", "ripgrep"]);
  // Every word after the options is name=version: nothing unpinned slips in.
  const words = install.split("--no-install-recommends")[1]?.split("&&")[0]?.trim().split(/\s+/) ?? [];
  expect(words).toEqual(packages);
  for (const name of names) expect(dockerfile, `a comment says why ${name} is there`).toMatch(new RegExp(`^#\\s+${name}\\s{2,}\\S`, "m"));
  // Nothing of apt's downloads stays in the layer: the .debs and the lists go in the same RUN.
  expect(install).toMatch(/\s&&\s+apt-get clean\s+&&\s+rm -rf \/var\/lib\/apt\/lists\/\*$/);
});

it("pins every package of the workspace, esbuild at the version the repository builds with", () => {
  const vm = JSON.parse(readFileSync(join(ROOT, "vm/package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  for (const version of [...Object.values(vm.dependencies), ...Object.values(vm.devDependencies)]) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  const installed = JSON.parse(readFileSync(join(ROOT, "node_modules/esbuild/package.json"), "utf8")) as { version: string };
  expect(vm.devDependencies.esbuild).toBe(installed.version);
  // The build stage installs the devDependencies (esbuild); the final stage only what runs.
  expect(instructions.filter((l) => /^RUN npm ci\b/.test(l)).map((l) => l.includes("--omit=dev"))).toEqual([false, true]);
});

it("installs in the final stage only what dist/ does not hold: the CLI it starts, the native addon esbuild leaves out, and /shot's browser", () => {
  const vm = JSON.parse(readFileSync(join(ROOT, "vm/package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const external = JSON.parse(/external: (\[[^\]]*\])/.exec(readFileSync(join(ROOT, "vm/build.mjs"), "utf8"))?.[1] ?? "null") as string[];
  expect(Object.keys(vm.dependencies).sort()).toEqual(["@anthropic-ai/claude-code", ...external].sort());
  // What the bundles hold is a devDependency (installed by the build stage only), the lock file says so too.
  const lock = JSON.parse(readFileSync(join(ROOT, "vm/package-lock.json"), "utf8")) as { packages: Record<string, { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }> };
  expect(lock.packages[""]?.dependencies).toEqual(vm.dependencies);
  expect(lock.packages[""]?.devDependencies).toEqual(vm.devDependencies);
  for (const bundled of ["hono", "@hono/node-server", "zod", "diff", "diff2html", "highlight.js", "graphql", "@modelcontextprotocol/sdk"]) expect(vm.devDependencies[bundled], bundled).toBeDefined();
  // /shot's browser: the image carries it, at the versions the root's browser tests run.
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  for (const browser of ["playwright-core", "@sparticuz/chromium"]) {
    expect(external, browser).toContain(browser);
    expect(vm.dependencies[browser], browser).toBe(root.devDependencies[browser]);
  }
});

it("starts the server with the same V8 flags as `npm run vm`", () => {
  const imageFlags = imageCommand().flags;
  expect(imageFlags).toEqual(startScriptArgs().slice(0, startScriptArgs().indexOf("--import")));
  expect(imageFlags).toContain("--expose-gc");
  expect(imageFlags.filter((f) => f !== "--expose-gc")).toEqual(["--no-opt", "--no-sparkplug", "--max-semi-space-size=1"]);
  expect(imageCommand().env).toMatchObject({ MALLOC_ARENA_MAX: "1" });
});
