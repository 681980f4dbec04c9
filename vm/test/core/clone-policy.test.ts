// The clone policy: which URLs and branches the VM clones, with and without ALLOW_LOCAL_CLONES,
// and how git's own messages (observed from git 2.39, docs/vm.md) map to a failure reason.
import { describe, expect, it } from "vitest";
import { cloneFailureMessage, cloneFailureOf } from "../../src/core/clone-errors";
import { allowedProtocols, checkBranch, checkCloneUrl, cloneConfigArgs } from "../../src/core/clone-policy";

describe("checkCloneUrl", () => {
  // [url, kind by default (null: refused), kind with ALLOW_LOCAL_CLONES=1]
  const cases: Array<[string, string | null, string | null]> = [
    ["https://github.com/octocat/Hello-World.git", "https", "https"],
    ["https://github.com/octocat/Hello-World", "https", "https"],
    ["https://gitlab.example.com:8443/group/sub/repo.git", "https", "https"],
    ["HTTPS://github.com/a/b", "https", "https"],
    ["git@github.com:octocat/Hello-World.git", "scp", "scp"],
    ["git@gitlab.com:group/sub/repo", "scp", "scp"],
    ["git@github.com:octocat/Hello-World.git/", "scp", "scp"],
    // Credentials come from the helper, never from the URL.
    ["https://user:pass@github.com/a/b.git", null, null],
    ["https://x-access-token:ghp_abc@github.com/a/b.git", null, null],
    ["https://user@github.com/a/b.git", null, null],
    // Local repositories: only with ALLOW_LOCAL_CLONES, only absolute.
    ["/srv/repos/app.git", null, "local"],
    ["file:///srv/repos/app.git", null, "file"],
    ["file://otherhost/srv/app.git", null, null],
    ["FILE:///srv/repos/app.git", null, null],
    ["./app.git", null, null],
    ["../app.git", null, null],
    ["~/app.git", null, null],
    ["app.git", null, null],
    ["/srv/../etc/app.git", null, null],
    // Transports that run or read local things, and option injection.
    ["ext::sh -c touch% /tmp/pwned", null, null],
    ["ext::ssh -oProxyCommand=x host", null, null],
    ["fd::17", null, null],
    ["ssh://-oProxyCommand=touch%20x/repo", null, null],
    ["ssh://git@github.com/a/b.git", null, null],
    ["-oProxyCommand=x:foo/bar", null, null],
    ["--upload-pack=touch /tmp/x", null, null],
    ["git@-oProxyCommand=x:a/b", null, null],
    ["-u@host:a/b", null, null],
    ["git@host:-b/c", null, null],
    ["git@host:/abs/path", null, null],
    ["git@host:a/../b", null, null],
    // Other schemes, and garbage.
    ["http://github.com/a/b.git", null, null],
    ["git://github.com/a/b.git", null, null],
    ["ftp://host/a.git", null, null],
    ["https://github.com", null, null],
    ["https://github.com/a/b c", null, null],
    ["https://github.com/a/b\n", null, null],
    ["https://-x.example/a/b", null, null],
    // The URL parser resolves it to https://github.com/b: the host's business, not the VM's.
    ["https://github.com/a/../../b", "https", "https"],
    ["", null, null],
  ];
  for (const [url, byDefault, withLocal] of cases) {
    it(`${JSON.stringify(url)} → ${byDefault ?? "refused"} / ${withLocal ?? "refused"}`, () => {
      const plain = checkCloneUrl(url, false);
      const local = checkCloneUrl(url, true);
      expect(plain.ok ? plain.value.kind : null).toBe(byDefault);
      expect(local.ok ? local.value.kind : null).toBe(withLocal);
    });
  }

  // [url, GITHUB_URL, kind (null: refused)]: plain HTTP only from a GitHub stand-in on loopback.
  const standIn: Array<[string, string, string | null]> = [
    ["http://127.0.0.1:4000/acme/api.git", "http://127.0.0.1:4000", "http"],
    ["http://localhost:4000/acme/api", "http://localhost:4000", "http"],
    ["http://127.0.0.1:4001/acme/api.git", "http://127.0.0.1:4000", null],
    ["http://127.0.0.1:4000/acme/api.git", "https://github.com", null],
    ["http://github.example/acme/api.git", "http://github.example", null],
    ["http://x-access-token:t@127.0.0.1:4000/acme/api.git", "http://127.0.0.1:4000", null],
    ["http://127.0.0.1:4000", "http://127.0.0.1:4000", null],
    ["https://github.com/a/b.git", "http://127.0.0.1:4000", "https"],
  ];
  for (const [url, githubUrl, kind] of standIn) {
    it(`${url} with GITHUB_URL ${githubUrl} → ${kind ?? "refused"}`, () => {
      const checked = checkCloneUrl(url, false, githubUrl);
      expect(checked.ok ? checked.value.kind : null).toBe(kind);
    });
  }

  it("never quotes the URL in its reason (it may hold credentials)", () => {
    const refused = checkCloneUrl("https://alice:hunter2-secret@git.example.com/a/b", false);
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain("hunter2");
  });
});

describe("checkBranch", () => {
  const cases: Array<[string, boolean]> = [
    ["main", true],
    ["feature/x-1", true],
    ["release-2.0", true],
    ["v1.2.3", true],
    ["-b", false],
    ["--upload-pack=x", false],
    ["a..b", false],
    ["a b", false],
    ["a~1", false],
    ["a^", false],
    ["a:b", false],
    ["a?", false],
    ["a*", false],
    ["a[b", false],
    ["a\\b", false],
    ["/a", false],
    ["a/", false],
    ["a//b", false],
    ["a.", false],
    ["a.lock", false],
    ["a/.b", false],
    ["@", false],
    ["a@{1}", false],
    ["", false],
  ];
  for (const [branch, ok] of cases) it(`${JSON.stringify(branch)} → ${ok}`, () => expect(checkBranch(branch).ok).toBe(ok));
});

describe("git's transports", () => {
  it("allows https and ssh by default, file only with local clones", () => {
    expect(allowedProtocols(false)).toBe("https:ssh");
    expect(allowedProtocols(true)).toBe("https:ssh:file");
    expect(cloneConfigArgs(false)).toEqual(["-c", "protocol.file.allow=never"]);
    expect(cloneConfigArgs(true)).toEqual([]);
  });
});

describe("cloneFailureOf", () => {
  // stderr as git 2.39 printed it (docs/vm.md), and what it means.
  const cases: Array<[string, string]> = [
    ["Cloning into 'c1'...\nfatal: transport 'file' not allowed", "url_refused"],
    ["fatal: strange hostname '-oProxyCommand=x' blocked", "url_refused"],
    ["fatal: Remote branch nope not found in upstream origin", "not_found"],
    ["fatal: repository '/tmp/explore/g/none.git' does not exist", "not_found"],
    ["fatal: '/tmp/none.git' does not appear to be a git repository\nfatal: Could not read from remote repository.", "not_found"],
    ["remote: Repository not found.\nfatal: repository 'https://github.com/a/b.git/' not found", "not_found"],
    ["ERROR: Repository not found.\nfatal: Could not read from remote repository.", "not_found"],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", "auth_refused"],
    ["fatal: Authentication failed for 'https://github.com/a/b.git/'", "auth_refused"],
    ["git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.", "auth_refused"],
    ["Host key verification failed.\nfatal: Could not read from remote repository.", "auth_refused"],
    ["fatal: unable to access 'https://h/a.git/': The requested URL returned error: 403", "auth_refused"],
    ["fatal: unable to access 'https://github.com/a/b.git/': Could not resolve host: github.com", "network"],
    ["ssh: Could not resolve hostname github.com: Name or service not known", "network"],
    ["fatal: unable to access 'https://127.0.0.1:9/x.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server", "network"],
    ["ssh: connect to host 127.0.0.1 port 22: Connection refused", "network"],
    ["fatal: unable to access 'https://h/a.git/': The requested URL returned error: 500", "network"],
    ["error: RPC failed; curl 92 HTTP/2 stream 0 was not closed cleanly\nfatal: early EOF", "network"],
    ["fatal: something nobody expected", "failed"],
  ];
  for (const [stderr, reason] of cases) it(`${stderr.split("\n").at(-1)} → ${reason}`, () => expect(cloneFailureOf(stderr)).toBe(reason));

  it("tells the user one short line per reason, with the limits", () => {
    const limits = { timeoutMs: 300_000, maxMb: 2048 };
    for (const reason of ["url_refused", "not_found", "auth_refused", "network", "too_large", "timeout", "exists", "failed"] as const) {
      const message = cloneFailureMessage(reason, limits);
      expect(message.length).toBeLessThanOrEqual(300);
      expect(message).not.toContain("\n");
    }
    expect(cloneFailureMessage("too_large", limits)).toContain("2048 MB");
    expect(cloneFailureMessage("timeout", limits)).toContain("5 min");
    expect(cloneFailureMessage("url_refused", limits, "local repositories are refused")).toContain("(local repositories are refused)");
  });
});
