// The server's file of a user's "always" answers (approval-rules.ts), without a CLI: which file a
// working directory's rules live in, and what remember, list and forget leave on disk.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApprovalRules, workspaceOfDir } from "../src/approvals/approval-rules";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { tempDir } from "./helpers/temp-dir";

const userId = "+15550002301";

describe("workspaceOfDir", () => {
  const dataDir = "/data";
  const paths = userPathsOf(dataDir, userId);
  const cases: [string, string | null][] = [
    [paths.workspace, "main"],
    [workspaceDirOf(paths, "app"), "app"],
    [join(paths.root, "workspaces", "main"), null],
    [join(paths.root, "workspaces", "app", "sub"), null],
    [join(paths.root, "workspaces", "..", "home"), null],
    [paths.home, null],
    [userPathsOf(dataDir, "+15550002302").workspace, null],
  ];
  for (const [cwd, expected] of cases) {
    it(`${cwd.slice(dataDir.length)} → ${expected ?? "refused"}`, () => {
      if (expected === null) expect(() => workspaceOfDir(dataDir, paths.key, cwd)).toThrow(/not a workspace directory/);
      else expect(workspaceOfDir(dataDir, paths.key, cwd)).toBe(expected);
    });
  }
});

describe("the rules file", () => {
  it("holds only permissions.allow, once per rule; emptied by forget, gone with its workspace", () => {
    const dataDir = tempDir("approval-rules-");
    const rules = createApprovalRules({ dataDir, idsOf: () => null });
    const paths = userPathsOf(dataDir, userId);
    const app = workspaceDirOf(paths, "app");
    expect(rules.settingsFileFor(paths.key, app)).toBeNull();
    expect(rules.list(paths.key, app)).toEqual([]);

    rules.remember(paths.key, app, "Bash(npm test:*)");
    rules.remember(paths.key, app, "Bash(npm test:*)");
    rules.remember(paths.key, app, "WebFetch");
    const file = join(dataDir, ".permissions", paths.key, "app.json");
    expect(rules.settingsFileFor(paths.key, app)).toBe(file);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ permissions: { allow: ["Bash(npm test:*)", "WebFetch"] } });
    expect(rules.list(paths.key, app)).toEqual(["Bash(npm test:*)", "WebFetch"]);
    // Without uids of their own the agents are the server's user: owner-only, as the rest of DATA_DIR.
    expect([statSync(join(dataDir, ".permissions")).mode & 0o777, statSync(join(dataDir, ".permissions", paths.key)).mode & 0o777, statSync(file).mode & 0o777]).toEqual([0o700, 0o700, 0o600]);
    // Another workspace of the same user has its own.
    expect(rules.list(paths.key, paths.workspace)).toEqual([]);

    expect(rules.forget(paths.key, app)).toEqual(["Bash(npm test:*)", "WebFetch"]);
    // Emptied, not removed: a CLI that was just given the path still finds a file.
    expect(rules.settingsFileFor(paths.key, app)).toBe(file);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ permissions: {} });
    expect(rules.forget(paths.key, app)).toEqual([]);
    rules.drop(paths.key, app);
    expect(rules.settingsFileFor(paths.key, app)).toBeNull();
  });
});
