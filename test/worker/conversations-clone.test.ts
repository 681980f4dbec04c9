import { expect, it } from "vitest";
import { ask, bodies, eventually, query, sentTo, vmRequests } from "./helpers";

const phone = "+15550000166";

it("/new <name> <git-url> clones into the new conversation's project, says how it went, and makes it current", async () => {
  expect(await ask(phone, "/new api https://github.com/acme/api.git develop")).toBe("Cloning https://github.com/acme/api.git (develop) into api…");
  const done = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.startsWith("Cloned")));
  expect(done.body).toMatch(/^Cloned api \(develop, 42 files\) in \d+ s\. It is your current conversation now\.$/);
  const [api] = await query<{ workspace: string; status: string; repo_url: string; branch: string }>(phone, "SELECT workspace, status, repo_url, branch FROM conversations WHERE name = 'api'");
  expect(api).toMatchObject({ status: "ready", repo_url: "https://github.com/acme/api.git", branch: "develop" });
  const create = (await vmRequests(phone)).find((r) => r.kind === "create-workspace");
  expect(create).toMatchObject({ workspace: api!.workspace, clone: { url: "https://github.com/acme/api.git", branch: "develop" } });
  // Plain messages now run in the clone.
  expect(await ask(phone, "run the tests")).toBe("echo: run the tests");
  expect((await vmRequests(phone)).filter((r) => r.kind === "start").at(-1)!.workspace).toBe(api!.workspace);
  expect(await ask(phone, "/sessions")).toContain("2. api (github.com/acme/api @ develop) ← current");
});

it("a clone that fails says why in one line and leaves no conversation behind", async () => {
  const before = (await sentTo(phone)).length;
  expect(await ask(phone, "/new web https://git.example/o/vm-clone-fail-not_found.git")).toBe("Cloning https://git.example/o/vm-clone-fail-not_found.git into web…");
  const failed = await eventually(async () => (await sentTo(phone)).slice(before).find((m) => m.body?.startsWith("⚠️ Couldn't clone")));
  expect(failed.body).toMatch(/^⚠️ Couldn't clone into web: .+ Nothing was created\.$/);
  expect(failed.body).not.toContain("\n");
  expect(await query(phone, "SELECT name FROM conversations WHERE name = 'web'")).toEqual([]);
  expect(await ask(phone, "/status")).toContain("Current conversation: api");
  expect(bodies(await sentTo(phone)).filter((b) => b?.includes("Cloned web"))).toEqual([]);
});

it("/new <name> without a repository asks the VM to make its workspace after the answer, so a CLI can wait there for the first message; the first run goes there", async () => {
  const phone = "+15550000205";
  expect(await ask(phone, "/new notes")).toContain("notes");
  const [notes] = await query<{ workspace: string }>(phone, "SELECT workspace FROM conversations WHERE name = 'notes'");
  const create = await eventually(async () => (await vmRequests(phone)).find((r) => r.kind === "create-workspace"));
  expect(create).toMatchObject({ workspace: notes!.workspace, status: 201 });
  expect(create).not.toHaveProperty("clone");
  // Nothing more is said of it.
  expect(bodies(await sentTo(phone)).filter((b) => b?.includes("workspace"))).toEqual([]);
  expect(await ask(phone, "hello there")).toBe("echo: hello there");
  expect((await vmRequests(phone)).filter((r) => r.kind === "start").at(-1)!.workspace).toBe(notes!.workspace);
});
