// A daemon as an agent would leave one (a new session, its stdio detached, its pid in a file), and
// what the tests of stray processes need around it; every daemon found is ended after the file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect } from "vitest";

const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
/** The offline model's text that has the agent start a `setsid` daemon writing its pid to `file`. */
export const daemon = (file: string) => bash(`setsid sh -c 'echo $$ > ${file}; exec sleep 600' > /dev/null 2>&1 < /dev/null &`);

export const isAlive = (pid: number): boolean => {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

/** Every daemon a test found: ended after the file, whatever the tests found. */
export function useDaemons(): { pidOf(workspace: string, file: string): Promise<number> } {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  });
  return {
    async pidOf(workspace, file) {
      const read = () => {
        try {
          return readFileSync(join(workspace, file), "utf8").trim();
        } catch {
          return "";
        }
      };
      await expect.poll(read, { timeout: 5_000 }).toMatch(/^\d+$/);
      const pid = Number(read());
      started.push(pid);
      return pid;
    },
  };
}
