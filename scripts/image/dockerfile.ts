// vm/Dockerfile read as data: its stages and the instructions the image's checks act on (FROM,
// WORKDIR, COPY, RUN, ENV, ENTRYPOINT, CMD), and where each COPY puts its files. Pure: the
// build-context test and `npm run image:check` carry it out. Only the Dockerfile syntax the
// project uses; anything else (wildcards, ADD, heredocs) is refused rather than guessed.
import { posix } from "node:path";

export type Step =
  | { kind: "workdir"; path: string }
  | { kind: "copy"; from: string | null; sources: string[]; dest: string }
  | { kind: "run"; command: string }
  | { kind: "env"; vars: Record<string, string> }
  | { kind: "entrypoint" | "cmd"; argv: string[] }
  /** EXPOSE, LABEL…: nothing a check needs. */
  | { kind: "other"; keyword: string };

export type Stage = { name: string | null; base: string; steps: Step[] };

/** Logical lines: comments and blank lines dropped, backslash continuations joined. */
export function instructionsOf(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = "";
    if (whole !== "") out.push(whole);
  }
  if (pending.trim() !== "") out.push(pending.trim());
  return out;
}

/** The exec form (`["a", "b"]`) as argv; the shell form as `sh -c`, as Docker runs it. */
function argvOf(rest: string): string[] {
  if (rest.startsWith("[")) {
    const parsed: unknown = JSON.parse(rest);
    if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) throw new Error(`not a JSON array of strings: ${rest}`);
    return parsed;
  }
  return ["/bin/sh", "-c", rest];
}

function envOf(rest: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of rest.split(/\s+/)) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`ENV ${rest}: only NAME=value pairs without spaces are read`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return vars;
}

function copyOf(rest: string): Step {
  const words = rest.split(/\s+/);
  let from: string | null = null;
  while (words[0]?.startsWith("--")) {
    const flag = words.shift() ?? "";
    if (flag.startsWith("--from=")) from = flag.slice("--from=".length);
    else if (!/^--(chown|chmod|link)(=|$)/.test(flag)) throw new Error(`COPY ${flag}: not a flag these checks know`);
  }
  const dest = words.pop();
  if (!dest || words.length === 0) throw new Error(`COPY ${rest}: needs sources and a destination`);
  for (const source of words) if (/[*?[]/.test(source)) throw new Error(`COPY ${source}: wildcards are not read here; name the folder`);
  return { kind: "copy", from, sources: words, dest };
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructionsOf(text)) {
    const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(instruction) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!match?.[1]) throw new Error(`FROM ${rest}: not read`);
      stages.push({ base: match[1], name: match[2] ?? null, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${keyword} before any FROM`);
    if (upper === "ADD") throw new Error("ADD is not read here; use COPY");
    const step: Step =
      upper === "WORKDIR" ? { kind: "workdir", path: rest }
      : upper === "COPY" ? copyOf(rest)
      : upper === "RUN" ? { kind: "run", command: rest }
      : upper === "ENV" ? { kind: "env", vars: envOf(rest) }
      : upper === "ENTRYPOINT" || upper === "CMD" ? { kind: upper === "CMD" ? "cmd" : "entrypoint", argv: argvOf(rest) }
      : { kind: "other", keyword: upper };
    stage.steps.push(step);
  }
  if (stages.length === 0) throw new Error("no FROM");
  return stages;
}

/** The stage a `COPY --from=` names: by name, or by index. */
export function stageNamed(stages: readonly Stage[], ref: string): number {
  const index = /^\d+$/.test(ref) ? Number(ref) : stages.findIndex((s) => s.name === ref);
  if (index < 0 || index >= stages.length) throw new Error(`COPY --from=${ref}: no such stage`);
  return index;
}

/** One COPY source and where it lands, as absolute paths inside the image. */
export type Placement = { source: string; target: string; from: string | null };

/**
 * Where a stage's COPYs put their sources, with WORKDIR applied, as Docker does: a source
 * directory's contents go into the destination; a file goes into a destination that ends in `/`
 * (or one of several sources), otherwise it becomes the destination. Each placement names its
 * target for a file (`isDirectory` false) or a directory.
 */
export function placementsOf(stage: Stage, isDirectory: (from: string | null, source: string) => boolean): Placement[] {
  let workdir = "/";
  const out: Placement[] = [];
  for (const step of stage.steps) {
    if (step.kind === "workdir") workdir = posix.resolve(workdir, step.path);
    if (step.kind !== "copy") continue;
    const destIsDir = step.dest.endsWith("/") || step.sources.length > 1;
    const dest = posix.resolve(workdir, step.dest);
    for (const source of step.sources) {
      const target = isDirectory(step.from, source) || !destIsDir ? dest : posix.join(dest, posix.basename(source));
      out.push({ source, target, from: step.from });
    }
  }
  return out;
}

/** The WORKDIR, ENV, ENTRYPOINT and CMD a stage ends with (what its container starts with). */
export function finalState(stage: Stage): { workdir: string; env: Record<string, string>; entrypoint: string[]; cmd: string[] } {
  let workdir = "/";
  let env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const step of stage.steps) {
    if (step.kind === "workdir") workdir = posix.resolve(workdir, step.path);
    if (step.kind === "env") env = { ...env, ...step.vars };
    if (step.kind === "entrypoint") entrypoint = step.argv;
    if (step.kind === "cmd") cmd = step.argv;
  }
  return { workdir, env, entrypoint, cmd };
}
