// The agent VM's image, built with no container engine: the build context exactly as vm/Dockerfile
// and the ignore file define it, the build stage's commands run in it (npm ci from the lockfile,
// vm/build.mjs), and every file the final stage copies and starts is there. Also: one ignore file
// for every builder, a lockfile that matches vm/package.json, and no file the bundle reads that
// the build stage does not copy.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { assembleStages, contextFiles, ignoreFileOf, inContext, missingAtStart, writeContext } from "../../scripts/image/build-context";
import { inputsOutsideImage } from "../../scripts/image/bundle-inputs";
import { parseDockerfile, stageNamed } from "../../scripts/image/dockerfile";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DOCKERFILE = "vm/Dockerfile";
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const stages = parseDockerfile(read(DOCKERFILE));
const final = stages.length - 1;
/** The stages the final one copies from: the ones whose RUNs make what the image ships. */
const buildStages = new Set(stages[final]?.steps.flatMap((s) => (s.kind === "copy" && s.from !== null ? [stageNamed(stages, s.from)] : [])) ?? []);

const scratch: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const ignoreFile = ignoreFileOf(ROOT, DOCKERFILE);
const ignoreText = ignoreFile ? read(ignoreFile) : "";

it("has one ignore file, the root's: what BuildKit, flyctl (fly.toml names it), buildah and podman all read", () => {
  expect(ignoreFile).toBe(".dockerignore");
  const fly = z.object({ build: z.object({ dockerfile: z.literal(DOCKERFILE), ignorefile: z.literal(".dockerignore") }) }).parse(parse(read("fly.toml")));
  expect(fly.build.ignorefile).toBe(ignoreFile);
  // The heavy and the private stay out of the context.
  for (const path of ["node_modules/zod/package.json", "vm/node_modules/x", "vm/dist/main.cjs", ".dev.vars", "vm/test/auth.test.ts", ".git/config"]) expect(inContext(ignoreText, path), path).toBe(false);
});

const LockSchema = z.object({
  packages: z.record(z.string(), z.object({ version: z.string().optional(), dependencies: z.record(z.string(), z.string()).optional(), devDependencies: z.record(z.string(), z.string()).optional() })),
});
const PackageSchema = z.object({ dependencies: z.record(z.string(), z.string()), devDependencies: z.record(z.string(), z.string()) });

it("vm/package-lock.json locks exactly vm/package.json's dependencies, at their pinned versions", () => {
  const pkg = PackageSchema.parse(JSON.parse(read("vm/package.json")));
  const lock = LockSchema.parse(JSON.parse(read("vm/package-lock.json")));
  expect(lock.packages[""]?.dependencies ?? {}).toEqual(pkg.dependencies);
  expect(lock.packages[""]?.devDependencies ?? {}).toEqual(pkg.devDependencies);
  for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
  // Both stages install from it, never around it.
  const installs = stages.flatMap((s) => s.steps).flatMap((s) => (s.kind === "run" && /\bnpm (ci|install|i)\b/.test(s.command) ? [s.command] : []));
  expect(installs.map((c) => /^npm ci\b/.test(c))).toEqual([true, true]);
});

it("every file esbuild reads for the bundle lies inside what the build stage copies", () => {
  const out = temp("vm-bundle-meta-");
  const metafile = join(out, "meta.json");
  const built = spawnSync(process.execPath, [join(ROOT, "vm/build.mjs"), join(out, "dist"), metafile], { cwd: ROOT, encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  const meta = z.object({ inputs: z.record(z.string(), z.unknown()) }).parse(JSON.parse(readFileSync(metafile, "utf8")));
  const inputs = Object.keys(meta.inputs).map((input) => relative(ROOT, join(ROOT, "vm", input)));
  expect(inputs.filter((i) => i.startsWith("src/protocol/")).length).toBeGreaterThan(0);
  const [buildIndex] = [...buildStages];
  const copied = stages[buildIndex ?? 0]?.steps.flatMap((s) => (s.kind === "copy" && s.from === null ? s.sources : [])) ?? [];
  const lockedPaths = Object.keys(LockSchema.parse(JSON.parse(read("vm/package-lock.json"))).packages);
  expect(inputsOutsideImage({ inputs, copied, inContext: (path) => inContext(ignoreText, path), lockedPaths })).toEqual([]);
});

it("builds the build stage from the context alone, and the final stage has every file it copies and starts", () => {
  const work = temp("vm-image-context-");
  const context = join(work, "context");
  writeContext(ROOT, contextFiles(ROOT, ignoreText), context);
  // From npm's cache where it has the packages (quick, and the lockfile decides every version).
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  const runs = assembleStages(stages, context, work, buildStages, env);
  expect(runs.map((r) => r.command)).toEqual(stages.flatMap((s, i) => (buildStages.has(i) ? s.steps.flatMap((step) => (step.kind === "run" ? [step.command] : [])) : [])));
  const finalStage = stages[final];
  if (!finalStage) throw new Error("no final stage");
  expect(missingAtStart(finalStage, join(work, `stage-${final}`))).toEqual([]);
}, 240_000);
