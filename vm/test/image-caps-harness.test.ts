// The VM the tests start as root runs as the image runs it: the entrypoint's bounding set, no
// CAP_DAC_OVERRIDE, no_new_privs, for the in-harness server and for `spawnVm`'s default alike.
import { readFileSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { IS_ROOT, useHarness } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";
import { spawnVm, type VmChild } from "./helpers/vm-child";

const CAP_DAC_OVERRIDE = 1n;
const CAP_DAC_READ_SEARCH = 2n;
/**
 * The entrypoint's set, exactly: chown, dac_read_search, fowner, kill, setgid, setuid, net_admin and
 * sys_admin (the users' network namespaces, users/user-netns.ts); nothing more.
 */
const IMAGE_SET = 0x2010edn;

function capsOf(pid: number): { effective: bigint; bounding: bigint; noNewPrivs: boolean } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => /^(\S+):\s*(\S+)$/m.exec(status.split("\n").find((l) => l.startsWith(`${name}:`)) ?? "")?.[2] ?? "";
  return { effective: BigInt(`0x${field("CapEff")}`), bounding: BigInt(`0x${field("CapBnd")}`), noNewPrivs: field("NoNewPrivs") === "1" };
}
const has = (set: bigint, cap: bigint) => ((set >> cap) & 1n) === 1n;

const h = useHarness();
let child: VmChild | null = null;
afterAll(async () => {
  // SIGTERM, as a Machine stops it: the server closes, and takes the network namespace its spare
  // agent got (a SIGKILL would leave it for the next server's sweep). SIGKILL only if it hangs.
  child?.child.kill("SIGTERM");
  const killer = setTimeout(() => child?.child.kill("SIGKILL"), 10_000);
  await child?.exited;
  clearTimeout(killer);
});

it.skipIf(!IS_ROOT)("the harness's server keeps the entrypoint's set: reads every folder, writes none by override", () => {
  if (!("pid" in h.vm)) throw new Error("the harness's server runs in a child process");
  const caps = capsOf(h.vm.pid);
  for (const set of [caps.effective, caps.bounding]) {
    expect(has(set, CAP_DAC_OVERRIDE)).toBe(false);
    expect(has(set, CAP_DAC_READ_SEARCH)).toBe(true);
    expect(set.toString(16)).toBe(IMAGE_SET.toString(16));
  }
  expect(caps.noNewPrivs).toBe(true);
});

it.skipIf(!IS_ROOT)("spawnVm's default start (npm run vm's command) goes through the same set", async () => {
  child = await spawnVm({ DATA_DIR: tempDir("vm-image-caps-") });
  const caps = capsOf(child.child.pid ?? 0);
  expect(has(caps.effective, CAP_DAC_OVERRIDE)).toBe(false);
  expect(has(caps.effective, CAP_DAC_READ_SEARCH)).toBe(true);
  expect(caps.noNewPrivs).toBe(true);
});
