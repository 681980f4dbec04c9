// The operator's git credentials parsed, the user's VM-managed git config (the proxy's URL
// rewrites, the identity) and gh's files (the process's proxy token and socket); and run turns.
import { describe, expect, it } from "vitest";
import { isSlashCommand, turnsOf } from "../../src/core/cli-command";
import { credentialLinesOf, ghConfigYaml, gitConfigText, gitIdentityEnv } from "../../src/core/git-credentials";

describe("credentialLinesOf", () => {
  it("puts GITHUB_TOKEN first as x-access-token, then every valid GIT_CREDENTIALS line", () => {
    const out = credentialLinesOf({
      githubToken: "ghp_abc/def",
      gitCredentials: "https://bob:s%40cret@git.example.com\n\n  http://ci:tok@10.0.0.5:3000/path  \nnot a url\nhttps://nouser.example.com\nssh://git:pw@host\nhttps://onlyuser@host.example",
    });
    expect(out.lines).toEqual(["https://x-access-token:ghp_abc%2Fdef@github.com", "https://bob:s%40cret@git.example.com", "http://ci:tok@10.0.0.5:3000/path"]);
    expect(out.skipped).toBe(4);
    expect(out.secrets).toEqual(expect.arrayContaining(["ghp_abc/def", "s%40cret", "s@cret", "tok"]));
  });

  it("puts GITHUB_TOKEN on GITHUB_URL's host when it is set (a local stand-in over plain HTTP)", () => {
    expect(credentialLinesOf({ githubToken: "ghp_x", githubUrl: "http://127.0.0.1:4000" }).lines).toEqual(["http://x-access-token:ghp_x@127.0.0.1:4000"]);
    expect(credentialLinesOf({ githubToken: "ghp_x", githubUrl: "https://github.example.com" }).lines).toEqual(["https://x-access-token:ghp_x@github.example.com"]);
  });

  it("has nothing without credentials: public clones only", () => {
    expect(credentialLinesOf({})).toEqual({ lines: [], secrets: [], skipped: 0 });
  });
});

describe("the user's git config", () => {
  it("quotes values in git's syntax, writes the proxy's rewrites and the identity, and no credential helper", () => {
    const proxy = `[url "http://127.0.0.1:1234/git/tok/github.com/"]\n\tinsteadOf = https://github.com/\n`;
    const text = gitConfigText({ proxy, identity: { name: 'Ada "the" \\ Lovelace', email: "ada@example.com" } });
    expect(text).toContain(proxy);
    expect(text).toContain(`[user]\n\tname = "Ada \\"the\\" \\\\ Lovelace"\n\temail = "ada@example.com"\n`);
    expect(text).not.toContain("[credential]");
    expect(gitConfigText({ proxy: null })).not.toContain("[url");
  });

  it("gives the identity to git through the environment too", () => {
    expect(gitIdentityEnv({ name: "Ada", email: "ada@example.com" })).toEqual({
      GIT_AUTHOR_NAME: "Ada",
      GIT_AUTHOR_EMAIL: "ada@example.com",
      GIT_COMMITTER_NAME: "Ada",
      GIT_COMMITTER_EMAIL: "ada@example.com",
    });
    expect(gitIdentityEnv(undefined)).toEqual({});
  });

  it("points gh's config.yml at the proxy's socket", () => {
    expect(ghConfigYaml("/data/.proxy/gh.sock")).toContain('version: "1"\nhttp_unix_socket: "/data/.proxy/gh.sock"\n');
  });
});

describe("turnsOf", () => {
  const m = (id: string, text: string) => ({ id, text });
  it("sends a leading slash command alone, the rest as one turn", () => {
    expect(turnsOf([m("a", "/compact"), m("b", "then fix it")])).toEqual([[m("a", "/compact")], [m("b", "then fix it")]]);
    expect(turnsOf([m("a", "/compact keep the API notes")])).toEqual([[m("a", "/compact keep the API notes")]]);
    expect(turnsOf([m("a", "hi"), m("b", "/context")])).toEqual([[m("a", "hi"), m("b", "/context")]]);
    expect(turnsOf([m("a", "/usr/bin/env is odd"), m("b", "x")])).toEqual([[m("a", "/usr/bin/env is odd"), m("b", "x")]]);
  });

  const commands: Array<[string, boolean]> = [
    ["/compact", true],
    ["/greet Bob", true],
    ["/plugin:cmd x", true],
    ["/review\nplease", true],
    [" /context", false],
    ["/usr/bin/env", false],
    ["/", false],
    ["//word", false],
    ["hello /context", false],
  ];
  for (const [text, is] of commands) it(`${JSON.stringify(text)} is a slash command: ${is}`, () => expect(isSlashCommand(text)).toBe(is));
});
