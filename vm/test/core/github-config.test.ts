// GITHUB_URL and GITHUB_API_BASE as the VM reads them: GitHub's by default, https:// anywhere,
// plain http:// only on this machine (a GitHub stand-in); a trailing slash dropped.
import { describe, expect, it } from "vitest";
import { loadVmConfig } from "../../src/config";

const load = (env: Record<string, string>) => loadVmConfig({ VM_TOKEN: "t".repeat(32), CLAUDE_BIN: "/bin/true", ...env });

describe("GitHub's host", () => {
  it("defaults to GitHub's", () => {
    expect(load({})).toMatchObject({ githubUrl: "https://github.com", githubApiBase: "https://api.github.com" });
  });
  it.each([
    [{ GITHUB_URL: "https://github.example.com/", GITHUB_API_BASE: "https://github.example.com/api/v3" }, { githubUrl: "https://github.example.com", githubApiBase: "https://github.example.com/api/v3" }],
    [{ GITHUB_URL: "http://127.0.0.1:4000", GITHUB_API_BASE: "http://127.0.0.1:4000/api/v3" }, { githubUrl: "http://127.0.0.1:4000", githubApiBase: "http://127.0.0.1:4000/api/v3" }],
    [{ GITHUB_URL: "http://localhost:4000" }, { githubUrl: "http://localhost:4000" }],
  ])("takes %j", (env, expected) => expect(load(env)).toMatchObject(expected));
  it.each([[{ GITHUB_URL: "http://github.example.com" }], [{ GITHUB_API_BASE: "http://10.0.0.5/api" }], [{ GITHUB_URL: "not a url" }]])("refuses %j", (env) => {
    expect(() => load(env)).toThrow();
  });
});
