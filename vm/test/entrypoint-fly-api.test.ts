// The image's entrypoint closes Fly's Machines API socket to every uid but root (its directory
// 0700, the socket 0600) before the server starts: an agent uid that could open it before cannot
// after, as the server's start-up check (users/readiness-probe.ts) sees it.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeFlyApi } from "../src/users/readiness-probe";
import { openFlyApiSocket, type OpenFlyApiSocket } from "./helpers/fly-api-socket";
import { IS_ROOT } from "./helpers/harness";

const ENTRYPOINT = fileURLToPath(new URL("../docker-entrypoint.sh", import.meta.url));
const hasUnshare = spawnSync("unshare", ["--version"]).status === 0;

describe.skipIf(!IS_ROOT || !hasUnshare)("the entrypoint and /.fly/api (skipped when not root or without unshare: it remounts /proc)", () => {
  let dir = "";
  let socket: OpenFlyApiSocket | undefined;
  beforeAll(async () => {
    socket = await openFlyApiSocket("vm-entry-fly-");
    dir = socket.dir;
  });
  afterAll(() => socket?.close());

  it("leaves it to root alone, and says nothing when it could", async () => {
    const path = join(dir, "api");
    expect(await probeFlyApi(path)).toBe("open");
    // Its own mount and pid namespace, so the entrypoint's /proc remount stays there; `true` in place of the server.
    const done = spawnSync("unshare", ["--mount", "--pid", "--fork", "--mount-proc", "--", "sh", ENTRYPOINT, "true"], {
      env: { PATH: process.env.PATH ?? "", DATA_DIR: join(dir, "data"), FLY_API_SOCKET: path },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(done.status, done.stderr).toBe(0);
    expect(done.stderr).not.toContain("could not be closed");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await probeFlyApi(path)).toBe("closed");
  });

  it("finds no socket where there is none", async () => {
    expect(await probeFlyApi(join(dir, "none"))).toBe("absent");
  });
});
