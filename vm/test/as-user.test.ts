// A user's file work without the server switching ids, on a real filesystem as root: the steps
// run by a child of the user's uid (so they reach only what that uid may, and what they make is
// its own), and the server's checked reads, which take the user's own regular file and refuse a
// link, a FIFO (without waiting on it), a directory, a hard link to another owner's file and a
// path that leads elsewhere than expected.
import { chmodSync, chownSync, closeSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { doAsUser, outputAsUser, UserFileError } from "../src/users/as-user";
import { openUserFile, readUserText } from "../src/files/checked-open";
import type { AgentIds } from "../src/core/agent-ids";
import { IS_ROOT } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

const ids: AgentIds = { uid: 20_996, gid: 20_996 };

describe.skipIf(!IS_ROOT)("as root, a user's file work (skipped when not root: only root starts a child as another uid)", () => {
  let tree = "";
  let rootOnly = "";
  beforeAll(() => {
    const base = tempDir("as-user-");
    // Passable by the agent's uid, as the VM arranges DATA_DIR's ancestors (data-dir-layout.ts).
    for (let dir = base; dir !== "/"; dir = dirname(dir)) if (statSync(dir).uid === 0) chmodSync(dir, statSync(dir).mode | 0o001);
    tree = join(base, "tree");
    mkdirSync(tree, { mode: 0o700 });
    chownSync(tree, ids.uid, ids.gid);
    rootOnly = join(base, "root-only");
    mkdirSync(rootOnly, { mode: 0o700 });
    writeFileSync(join(rootOnly, "secret.txt"), "root's\n", { mode: 0o600 });
  });

  it("runs as the user: what it makes is the user's, and root's 700 directory stays closed to it", async () => {
    expect(await outputAsUser(ids, "id -u; id -G")).toBe(`${ids.uid}\n${ids.gid}\n`);
    await doAsUser(ids, [
      { op: "mkdir", path: join(tree, "a/b") },
      { op: "write", path: join(tree, "a/c/config.json"), text: '{"x":1}', mode: 0o600 },
      { op: "create", path: join(tree, "a/empty"), text: "", mode: 0o644 },
    ]);
    for (const [path, mode] of [["a", 0o700], ["a/b", 0o700], ["a/c", 0o700], ["a/c/config.json", 0o600], ["a/empty", 0o644]] as const) {
      const stat = lstatSync(join(tree, path));
      expect([path, stat.uid, stat.gid, stat.mode & 0o777]).toEqual([path, ids.uid, ids.gid, mode]);
    }
    expect(readFileSync(join(tree, "a/c/config.json"), "utf8")).toBe('{"x":1}');
    const refused = await doAsUser(ids, [{ op: "write", path: join(rootOnly, "planted"), text: "x", mode: 0o600 }]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserFileError);
    expect((refused as UserFileError).code).toBe("EACCES");
    expect(readdirSync(rootOnly)).toEqual(["secret.txt"]);
  });

  it("replaces a link planted where it writes, never writing through it; keeps what is already there", async () => {
    const target = join(tree, "settings.json");
    symlinkSync(join(rootOnly, "secret.txt"), target);
    lchown(target);
    writeFileSync(join(tree, "mine"), "the user's own", { mode: 0o600 });
    chownSync(join(tree, "mine"), ids.uid, ids.gid);
    await doAsUser(ids, [
      { op: "write", path: target, text: "rules", mode: 0o600 },
      { op: "create", path: join(tree, "mine"), text: "", mode: 0o600 },
    ]);
    expect([lstatSync(target).isFile(), readFileSync(target, "utf8")]).toEqual([true, "rules"]);
    expect(readFileSync(join(rootOnly, "secret.txt"), "utf8")).toBe("root's\n");
    expect(readFileSync(join(tree, "mine"), "utf8")).toBe("the user's own");
  });

  it("removes a file the VM wrote, not one of the user's own; moves a directory only onto an empty one", async () => {
    writeFileSync(join(tree, "vm-hosts.yml"), "# Written by the VM\ntoken: x\n");
    writeFileSync(join(tree, "own-hosts.yml"), "github.com:\n");
    for (const name of ["vm-hosts.yml", "own-hosts.yml"]) chownSync(join(tree, name), ids.uid, ids.gid);
    await doAsUser(ids, ["vm-hosts.yml", "own-hosts.yml"].map((name) => ({ op: "removeIfStarts", path: join(tree, name), prefix: "# Written by the VM\n" })));
    expect(readdirSync(tree)).not.toContain("vm-hosts.yml");
    expect(readdirSync(tree)).toContain("own-hosts.yml");

    await doAsUser(ids, [{ op: "mkdir", path: join(tree, "staging/x") }, { op: "mkdir", path: join(tree, "empty") }, { op: "mkdir", path: join(tree, "full/y") }]);
    await doAsUser(ids, [{ op: "moveInto", from: join(tree, "staging"), to: join(tree, "empty"), mode: 0o700 }]);
    expect(readdirSync(join(tree, "empty"))).toEqual(["x"]);
    const full = await doAsUser(ids, [{ op: "moveInto", from: join(tree, "empty"), to: join(tree, "full"), mode: 0o700 }]).catch((error: unknown) => error);
    expect((full as UserFileError).code).toBe("ENOTEMPTY");
  });

  describe("the server's checked reads", () => {
    const own = () => join(tree, "own.txt");
    beforeAll(() => {
      writeFileSync(own(), "hello", { mode: 0o600 });
      chownSync(own(), ids.uid, ids.gid);
    });

    it("read the user's own regular file, and nothing when there is none", () => {
      expect(readUserText(ids, tree, own())).toBe("hello");
      expect(readUserText(ids, tree, join(tree, "none.txt"))).toBeNull();
      expect(readUserText(ids, tree, join(tree, "no-dir", "none.txt"))).toBeNull();
    });

    it("refuse a link, a FIFO (at once), a directory and a hard link to root's file", () => {
      symlinkSync(own(), join(tree, "link.txt"));
      execFileSync("mkfifo", [join(tree, "fifo")]);
      linkSync(join(rootOnly, "secret.txt"), join(tree, "hard.txt"));
      for (const name of ["link.txt", "fifo"]) lchown(join(tree, name));
      const refusal = (name: string) => {
        const opened = openUserFile(ids, tree, join(tree, name));
        return opened.ok ? "opened" : opened.refusal;
      };
      expect(["link.txt", "fifo", "a", "hard.txt"].map(refusal)).toEqual(["not_file", "not_file", "directory", "not_owner"]);
      expect(() => readUserText(ids, tree, join(tree, "hard.txt"))).toThrow(/not owner/);
    });

    it("refuse a path with a link on the way, and say nothing of what lies behind it", () => {
      mkdirSync(join(tree, "real"));
      writeFileSync(join(tree, "real", "f.txt"), "x");
      // Links an agent made: to its own directory, and into root's 700 directory (where secret.txt is, and none.txt is not).
      symlinkSync(join(tree, "real"), join(tree, "swapped"));
      symlinkSync(rootOnly, join(tree, "into-root"));
      for (const path of ["real", "real/f.txt", "swapped", "into-root"]) lchown(join(tree, path));
      const refusal = (path: string) => {
        const opened = openUserFile(ids, tree, join(tree, path));
        if (opened.ok) closeSync(opened.fd);
        return opened.ok ? "opened" : opened.refusal;
      };
      expect(["real/f.txt", "swapped/f.txt", "into-root/secret.txt", "into-root/none.txt", "../root-only/secret.txt"].map(refusal)).toEqual([
        "opened",
        "elsewhere",
        "elsewhere",
        "elsewhere",
        "elsewhere",
      ]);
    });
  });

  const lchown = (path: string) => execFileSync("chown", ["-h", `${ids.uid}:${ids.gid}`, path]);
});
