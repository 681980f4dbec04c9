// The image's build without a container engine: the build context assembled as Docker assembles
// it (the repository's files a fresh clone has, minus what the ignore file leaves out), each
// stage's files placed in a directory of its own as its COPYs place them, the build stage's RUNs
// run there, and what the final stage copies and starts checked to exist. What the final stage
// RUNs (apt, the runtime's npm ci) needs the base image and is left to `npm run image:check`.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import ignore from "@balena/dockerignore";
import { finalState, placementsOf, stageNamed, type Stage } from "./dockerfile";

/**
 * The ignore file BuildKit reads for a Dockerfile: `<Dockerfile>.dockerignore` beside it when there
 * is one, else the context's `.dockerignore` (the only one flyctl, buildah and podman read).
 */
export function ignoreFileOf(root: string, dockerfile: string): string | null {
  for (const candidate of [`${dockerfile}.dockerignore`, ".dockerignore"]) if (existsSync(join(root, candidate))) return candidate;
  return null;
}

/**
 * The repository's files as a fresh clone of the working tree would have them (tracked or new, not
 * git-ignored: no node_modules, no vm/dist, no .dev.vars), minus those the ignore file leaves out.
 */
export function contextFiles(root: string, ignoreText: string): string[] {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const tracked = listed.stdout.split("\0").filter((path) => path !== "" && existsSync(join(root, path)));
  // Docker matches case-sensitively; the library's default is not to.
  return ignore({ ignorecase: false }).add(ignoreText).filter(tracked);
}

/** Copies each file into `dir`, mode kept (the entrypoint's execute bit travels with it). */
export function writeContext(root: string, files: readonly string[], dir: string): void {
  for (const file of files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(root, file), target);
    chmodSync(target, statSync(join(root, file)).mode & 0o7777);
  }
}

const clean = (source: string) => posix.normalize(source.replace(/^\.\//, "")).replace(/\/+$/, "");

export type StageRun = { command: string; ms: number };

/**
 * Places every stage's files under `scratch/stage-<i>` and runs the RUNs of the stages in `run`
 * (the build stage: what its bundle needs), with `env` added. A COPY source that is not there
 * (left out of the context, or never made by the stage it names) throws, naming it.
 */
export function assembleStages(stages: readonly Stage[], contextDir: string, scratch: string, run: ReadonlySet<number>, env: NodeJS.ProcessEnv): StageRun[] {
  const rootOf = (index: number) => join(scratch, `stage-${index}`);
  const sourcePath = (from: string | null, source: string) => (from === null ? join(contextDir, clean(source)) : join(rootOf(stageNamed(stages, from)), posix.resolve("/", source)));
  const runs: StageRun[] = [];
  stages.forEach((stage, index) => {
    const rootfs = rootOf(index);
    let workdir = "/";
    let stageEnv: Record<string, string> = {};
    for (const step of stage.steps) {
      if (step.kind === "workdir") {
        workdir = posix.resolve(workdir, step.path);
        mkdirSync(join(rootfs, workdir), { recursive: true });
      }
      if (step.kind === "env") stageEnv = { ...stageEnv, ...step.vars };
      if (step.kind === "copy") {
        const placed = placementsOf({ ...stage, steps: [{ kind: "workdir", path: workdir }, step] }, (from, source) => statSync(sourcePath(from, source), { throwIfNoEntry: false })?.isDirectory() ?? false);
        for (const { source, target, from } of placed) {
          const path = sourcePath(from, source);
          if (!existsSync(path)) throw new Error(`COPY ${from ? `--from=${from} ` : ""}${source}: ${from ? `stage ${from} has no such file` : "not in the build context (absent from the repository, or left out by the ignore file)"}`);
          mkdirSync(dirname(join(rootfs, target)), { recursive: true });
          cpSync(path, join(rootfs, target), { recursive: true });
        }
      }
      if (step.kind === "run" && run.has(index)) {
        const started = Date.now();
        const done = spawnSync("sh", ["-c", step.command], { cwd: join(rootfs, workdir), env: { ...env, ...stageEnv }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        if (done.status !== 0) throw new Error(`RUN ${step.command} failed (${done.status ?? done.signal}):\n${`${done.stdout}${done.stderr}`.slice(-4000)}`);
        runs.push({ command: step.command, ms: Date.now() - started });
      }
    }
  });
  return runs;
}

/** What a node base image brings itself (the final stage's CMD runs `node`). */
const BASE_COMMANDS: Record<string, readonly string[]> = { node: ["node", "npm", "npx", "sh"] };
const SCRIPT = /\.(c|m)?js$/;

/**
 * The files the final stage starts that are not where it starts them: its ENTRYPOINT (looked up on
 * PATH unless absolute) and its CMD's program and script (a `.js`/`.cjs`/`.mjs` argument, from
 * WORKDIR). A command of the base image itself (`node` from `node:…`) is taken as there.
 */
export function missingAtStart(stage: Stage, rootfs: string): string[] {
  const { workdir, env, entrypoint, cmd } = finalState(stage);
  const baseCommands = BASE_COMMANDS[stage.base.split(":")[0]?.split("/").at(-1) ?? ""] ?? [];
  const path = (env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":");
  const executable = (file: string) => ((statSync(join(rootfs, file), { throwIfNoEntry: false })?.mode ?? 0) & 0o111) !== 0;
  const missing: string[] = [];
  const program = (name: string | undefined, what: string) => {
    if (!name) return;
    if (name.includes("/")) {
      if (!executable(posix.resolve(workdir, name))) missing.push(`${what} ${name}`);
    } else if (!baseCommands.includes(name) && !path.some((dir) => executable(posix.join(dir, name)))) {
      missing.push(`${what} ${name} (not on PATH)`);
    }
  };
  program(entrypoint[0], "ENTRYPOINT");
  const argv = [...entrypoint, ...cmd];
  if (entrypoint.length === 0) program(cmd[0], "CMD");
  else if (cmd[0] && !cmd[0].startsWith("-")) program(cmd[0], "CMD");
  if (argv.length === 0) missing.push("neither ENTRYPOINT nor CMD");
  for (const arg of argv.slice(1).filter((a) => SCRIPT.test(a))) {
    if (!existsSync(join(rootfs, posix.resolve(workdir, arg)))) missing.push(`script ${posix.resolve(workdir, arg)}`);
  }
  return missing;
}

/** `@balena/dockerignore`'s own rules for one path: is it in the context? */
export function inContext(ignoreText: string, path: string): boolean {
  return !ignore({ ignorecase: false }).add(ignoreText).ignores(path);
}

export function readText(root: string, path: string): string {
  return readFileSync(join(root, path), "utf8");
}
