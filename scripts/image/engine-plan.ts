// `npm run image:check`'s commands for each container engine, as data: which engine, how it
// builds vm/Dockerfile, how it starts the image through its own ENTRYPOINT and CMD on the host's
// network, and how it cleans up. Pure; scripts/image-check.ts runs what this returns.

export type Engine = "docker" | "podman" | "buildah";
export const ENGINES: readonly Engine[] = ["docker", "podman", "buildah"];

/** The first engine that answers (docker's and podman's daemons or sockets included), or null. */
export function pickEngine(answers: Record<Engine, boolean>, wanted?: string): Engine | null {
  if (wanted !== undefined && wanted !== "") return ENGINES.find((e) => e === wanted && answers[e]) ?? null;
  return ENGINES.find((e) => answers[e]) ?? null;
}

/** How each engine is asked whether it can work here: a client with no daemon fails `info`. */
export function probeArgs(engine: Engine): string[] {
  return engine === "buildah" ? ["info"] : ["info", "--format", "{{.ID}}"];
}

export type Command = { command: string; args: string[] };

export type BuildInput = { tag: string; context: string; dockerfile: string; baseIsLocal: boolean };

/**
 * buildah builds without a daemon: `--isolation chroot` runs each RUN step as a chroot of the
 * host (no runtime, no namespaces it may not be allowed to make inside a VM or container),
 * `--layers` keeps the apt and npm layers for the next check, and `--pull=false` uses the base
 * image already in local storage instead of asking a registry this machine may not reach.
 */
export function buildCommand(engine: Engine, input: BuildInput): Command {
  const common = ["-f", input.dockerfile, "-t", input.tag];
  if (engine === "buildah") {
    return { command: "buildah", args: ["bud", "--isolation", "chroot", "--layers", ...(input.baseIsLocal ? ["--pull=false"] : []), ...common, input.context] };
  }
  return { command: engine, args: ["build", ...common, input.context] };
}

export type RunInput = {
  tag: string;
  /** The container's name (docker, podman) or the working container buildah made from the image. */
  name: string;
  env: Record<string, string>;
  /** The image's ENTRYPOINT then CMD (buildah runs a command, not the image's own start). */
  argv: readonly string[];
};

const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);

/**
 * Starts the image as its Machine would, on the host's network so it reaches the stand-in on
 * 127.0.0.1, with the engine's default capabilities. buildah's chroot isolation shares the host's
 * /proc and process table, so its run goes inside a mount and pid namespace of its own (unshare
 * with a fresh /proc): the entrypoint's hidepid remount and every process stay there, and end with it.
 */
export function startCommand(engine: Engine, input: RunInput): Command {
  if (engine === "buildah") {
    return {
      command: "unshare",
      args: ["--mount", "--pid", "--fork", "--mount-proc", "--kill-child", "--", "buildah", "run", "--isolation", "chroot", "--network", "host", ...envArgs(input.env), input.name, "--", ...input.argv],
    };
  }
  return { command: engine, args: ["run", "--rm", "--name", input.name, "--network", "host", ...envArgs(input.env), input.tag] };
}

/** Before the start: buildah makes a working container from the image (docker and podman's run does). */
export function prepareCommand(engine: Engine, input: { tag: string; name: string }): Command | null {
  return engine === "buildah" ? { command: "buildah", args: ["from", "--pull=false", "--name", input.name, input.tag] } : null;
}

/**
 * The container the check made. The image stays under its one fixed tag, replaced by each check:
 * buildah and podman keep a build's layers only as long as an image uses them, and without it
 * every check would install apt's packages again (minutes instead of seconds).
 */
export function cleanupCommands(engine: Engine, input: { name: string }): Command[] {
  return engine === "buildah" ? [{ command: "buildah", args: ["rm", input.name] }] : [{ command: engine, args: ["rm", "-f", input.name] }];
}

/** The image's one tag: the latest check's image, kept as the next one's cache. */
export const IMAGE_TAG = "localhost/relay-vm:image-check";

/** The image id a tag names now (empty output when it names none). */
export function imageIdCommand(engine: Engine, tag: string): Command {
  return { command: engine, args: ["images", "--quiet", "--no-trunc", tag] };
}

/** The image's size as the engine reports it. */
export function sizeCommand(engine: Engine, tag: string): Command {
  return { command: engine, args: ["images", "--format", "{{.Size}}", tag] };
}
