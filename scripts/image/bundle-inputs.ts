// Every file esbuild read for the VM's bundle (its metafile's inputs) must be one the image's
// build stage has: a source its COPYs bring from the context, or a package its `npm ci` installs
// from vm/package-lock.json. Pure: the paths come in relative to the repository root.
import { posix } from "node:path";

/** The package a path under node_modules belongs to (`@scope/name` or `name`), or null. */
export function packageOf(path: string): string | null {
  const at = path.lastIndexOf("node_modules/");
  if (at < 0) return null;
  const [first = "", second = ""] = path.slice(at + "node_modules/".length).split("/");
  return first.startsWith("@") ? `${first}/${second}` : first;
}

export type BuildInputs = {
  /** The metafile's inputs, relative to the repository root. */
  inputs: readonly string[];
  /** The build stage's COPY sources from the context (files or folders, repository-relative). */
  copied: readonly string[];
  /** The ignore file lets this path into the context. */
  inContext: (path: string) => boolean;
  /** The packages vm/package-lock.json installs (its `packages` keys). */
  lockedPaths: readonly string[];
};

/** The inputs the image's build stage would not have, each with why. */
export function inputsOutsideImage({ inputs, copied, inContext, lockedPaths }: BuildInputs): string[] {
  const sources = copied.map((s) => posix.normalize(s.replace(/^\.\//, "")).replace(/\/+$/, ""));
  const locked = new Set(lockedPaths.map(packageOf).filter((name) => name !== null));
  const outside: string[] = [];
  for (const input of inputs.map((i) => posix.normalize(i))) {
    const pkg = packageOf(input);
    if (pkg !== null) {
      if (!locked.has(pkg)) outside.push(`${input}: package ${pkg} is not in vm/package-lock.json`);
      continue;
    }
    if (!sources.some((s) => input === s || input.startsWith(`${s}/`))) outside.push(`${input}: no COPY of the build stage brings it`);
    else if (!inContext(input)) outside.push(`${input}: the ignore file leaves it out of the build context`);
  }
  return outside;
}
