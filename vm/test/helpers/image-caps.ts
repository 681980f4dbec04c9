// The capability set the image's entrypoint keeps for the server (vm/docker-entrypoint.sh), read
// from the entrypoint itself so the tests follow it: root without CAP_DAC_OVERRIDE, so a root
// write by path into a user's mode-700 folder fails in a test as it does on a Machine.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ENTRYPOINT = fileURLToPath(new URL("../../docker-entrypoint.sh", import.meta.url));

/** The entrypoint's `setpriv` options, with the read capability a Machine grants (CAP_DAC_READ_SEARCH). */
export function imageSetprivArgs(): string[] {
  const line = readFileSync(ENTRYPOINT, "utf8").split("\n").find((l) => l.startsWith("exec setpriv "));
  const options = line?.slice("exec setpriv ".length).split(" -- ")[0]?.split(/\s+/);
  if (!options?.some((o) => o.startsWith("--bounding-set="))) throw new Error(`no setpriv --bounding-set in ${ENTRYPOINT}`);
  return options.map((o) => o.replace("$read_cap", "dac_read_search"));
}

const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;

/**
 * The command and arguments that run `node args…` as the image runs the server: through setpriv
 * with the entrypoint's set when this process is root (where it is not, no capability is at stake
 * and node runs as it is). Root without setpriv cannot: the test fails rather than pass with more.
 */
export function asImageRuns(nodeArgs: string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command: process.execPath, args: nodeArgs };
  if (!hasSetpriv) throw new Error("the VM tests run the server as root with the image's capabilities through setpriv (util-linux), which is not installed");
  return { command: "setpriv", args: [...imageSetprivArgs(), "--", process.execPath, ...nodeArgs] };
}
