// `npm install` on Node 20 is quiet: the project's .npmrc, as npm itself reads it from the
// repository root, keeps npm's warnings off (the EBADENGINE lines of the packages that need Node
// 22, which they get from the pinned node@22) and overrides a user's engine-strict, so every
// package is still installed; errors print as ever.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "npmrc-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What npm reads from the project's .npmrc, with no npm_config_* of the npm running this test, and this user config. */
function npmConfig(name: string, userConfig: string): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)));
  return new Promise((resolve, reject) =>
    execFile("npm", ["config", "get", name, "--userconfig", userConfig], { cwd: ROOT, env, timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
  );
}

it("npm reads loglevel=error from the project, over a user's own loglevel", async () => {
  const user = join(scratch, "loud");
  writeFileSync(user, "loglevel=warn\n");
  expect(await npmConfig("loglevel", user)).toBe("error");
});

it("a user's engine-strict=true does not stop the install: the project's engine-strict=false wins", async () => {
  const user = join(scratch, "strict");
  writeFileSync(user, "engine-strict=true\n");
  expect(await npmConfig("engine-strict", user)).toBe("false");
});

it("what makes the warnings safe to leave out: Node 20 installs, and the scripts run on the pinned Node 22", () => {
  const manifest = z.object({ engines: z.object({ node: z.string() }), devDependencies: z.object({ node: z.string() }) }).parse(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")));
  expect(manifest.engines.node).toBe(">=20");
  expect(manifest.devDependencies.node).toMatch(/^22\./);
});
