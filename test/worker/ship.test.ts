// /ship through the relay: refused in one line where it cannot be (not a GitHub clone, a run of
// the conversation live, nothing to ship); else the VM's preview becomes a question with buttons,
// "Ship" has the VM push and open the pull request (kept in pull_requests), a later /ship updates
// it, "Cancel" changes nothing (as does any other message, which says so), and a pull request
// closed meanwhile is said so.
import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { ask, eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";
import { TEST_ADMIN } from "./test-env";
import { SHIP_LEFT } from "../../src/github/ship";

const PHONES = ["+15550000980", "+15550000981", "+15550000982"];
beforeAll(async () => {
  for (const phone of PHONES) {
    await sendInbound(TEST_ADMIN, `/allow ${phone}`);
    await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${phone}`) || (m.body ?? "").startsWith(`${phone} is already`)));
  }
});

type PullRow = { conversation_id: number; repo: string; number: number; branch: string; url: string; state: string; head_sha: string; autofix_count: number };
const pullsOf = (phone: string) => query<PullRow>(phone, "SELECT conversation_id, repo, number, branch, url, state, head_sha, autofix_count FROM pull_requests ORDER BY id");
const nextMatching = (phone: string, pattern: RegExp, after: number) => eventually(async () => (await sentTo(phone)).slice(after).find((m) => pattern.test(m.body ?? "")));
const runIdle = (phone: string) => eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);

async function cloned(phone: string, name: string, url: string): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, `/new ${name} ${url}`);
  await nextMatching(phone, /^Cloned /, before);
}

async function runWithChange(phone: string, text: string): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await nextMatching(phone, /changed, \+/, before);
  await runIdle(phone);
}

it("asks with Ship/Cancel naming the repository, branch and counts; Ship opens the pull request; a later /ship updates it", async () => {
  const phone = PHONES[0]!;
  await cloned(phone, "api", "https://github.com/acme/api.git");
  await runWithChange(phone, "add a health endpoint [[vm:change src/health.ts +120 -0 added]] [[vm:change src/app.ts +0 -14]] [[vm:change README.md +0 -0]]");

  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship Health endpoint");
  const question = await nextMatching(phone, /^Push /, before);
  expect(question.body).toBe("Push 3 files, +120 −14, to `agent/api` on acme/api and open a pull request?");
  expect(question.buttons.map((b) => b.title)).toEqual(["Ship", "Cancel"]);
  const preview = (await vmRequests(phone)).filter((r) => r.kind === "ship-preview").at(-1)!;
  expect(preview.ship).toMatchObject({ title: "Health endpoint", pull: null, usedBranches: [] });
  expect(preview.ship?.runs?.[0]?.asked).toMatch(/^add a health endpoint/);
  // Nothing is pushed until the user says so.
  expect((await vmRequests(phone)).some((r) => r.kind === "ship")).toBe(false);

  // The question keeps what it showed: the repository, branch, commit and files.
  const [kept] = await query<{ preview: string }>(phone, "SELECT json_extract(detail, '$.preview') AS preview FROM questions WHERE kind = 'ship' AND closed_at IS NULL");
  const shown = JSON.parse(kept!.preview) as Record<string, unknown>;
  expect(shown).toEqual({ repo: "acme/api", branch: "agent/api", head: null, tree: expect.stringMatching(/^[0-9a-f]{40}$/) });

  await sendInbound(phone, "Ship", { ButtonText: "Ship", ButtonPayload: question.buttons[0]!.id });
  const done = await nextMatching(phone, /^🚀 /, before);
  // The tap carries that preview to the VM, which ships it or nothing.
  expect((await vmRequests(phone)).filter((r) => r.kind === "ship").at(-1)!.ship?.expected).toEqual(shown);
  expect(done.body).toBe("🚀 Opened pull request #1 “Health endpoint”: 3 files, +120 −14 on `agent/api` → main.\nhttps://github.com/acme/api/pull/1");
  const [row] = await pullsOf(phone);
  expect(row).toMatchObject({ repo: "acme/api", number: 1, branch: "agent/api", url: "https://github.com/acme/api/pull/1", state: "open", autofix_count: 0 });
  expect(row!.head_sha).toMatch(/^[0-9a-f]{40}$/);

  // Nothing new: refused in one line, nothing asked.
  expect(await ask(phone, "/ship")).toMatch(/^Not shipped: Nothing to ship: the files are as agent\/api on acme\/api has them\.$/);

  await runWithChange(phone, "return the version too [[vm:change src/health.ts +4 -1]]");
  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  expect((await nextMatching(phone, /^Push /, before)).body).toBe("Push 1 file, +4 −1, to `agent/api` on acme/api and update pull request #1?");
  await sendInbound(phone, "yes");
  expect((await nextMatching(phone, /^🚀 /, before)).body).toMatch(/^🚀 Updated pull request #1 “Health endpoint”: 1 file, \+4 −1/);
  const ships = (await vmRequests(phone)).filter((r) => r.kind === "ship");
  expect(ships.at(-1)!.ship).toMatchObject({ pull: { number: 1, branch: "agent/api" } });
  expect(ships.at(-1)!.ship?.runs?.map((r) => r.asked.slice(0, 12))).toEqual(["add a health", "return the v"]);
  expect(await pullsOf(phone)).toHaveLength(1);
});

it("Cancel changes nothing; a pull request closed meanwhile is said so and the next one goes to a new branch", async () => {
  const phone = PHONES[1]!;
  await cloned(phone, "web", "https://github.com/acme/web");
  await runWithChange(phone, "style it [[vm:change a.css +2 -0]]");
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  const question = await nextMatching(phone, /^Push /, before);
  await sendInbound(phone, "Cancel", { ButtonText: "Cancel", ButtonPayload: question.buttons[1]!.id });
  expect((await nextMatching(phone, /^Not shipped/, before)).body).toBe("Not shipped: nothing was pushed.");
  expect((await vmRequests(phone)).some((r) => r.kind === "ship")).toBe(false);
  expect(await pullsOf(phone)).toEqual([]);

  // A message that is neither Ship nor Cancel closes the question, and that is said before its own answer.
  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  await nextMatching(phone, /^Push /, before);
  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/status");
  const told = await eventually(async () => {
    const sent = (await sentTo(phone)).slice(before);
    return sent.length >= 2 && sent.map((m) => m.body ?? "");
  });
  expect(told[0]).toBe(SHIP_LEFT);
  expect(told.slice(1)).not.toContain(SHIP_LEFT);
  expect((await vmRequests(phone)).some((r) => r.kind === "ship")).toBe(false);

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  await nextMatching(phone, /^Push /, before);
  await sendInbound(phone, "yes");
  await nextMatching(phone, /^🚀 Opened pull request #1/, before);
  await fetch(`${env.VM_URL}/__stand-in/pull`, { method: "POST", body: JSON.stringify({ repo: "acme/web", number: 1, state: "merged" }) });

  await runWithChange(phone, "more style [[vm:change b.css +1 -0]]");
  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  expect((await nextMatching(phone, /^Pull request #1 was merged/, before)).body).toBe("Pull request #1 was merged meanwhile, so this goes to a new branch. Push 1 file, +1 −0, to `agent/web-2` on acme/web and open a pull request?");
  expect((await pullsOf(phone)).map((p) => p.state)).toEqual(["merged"]);
  await sendInbound(phone, "yes");
  await nextMatching(phone, /^🚀 .*#2/, before);
  // The new pull request says what was asked since the last push to the merged one, and nothing before.
  expect((await vmRequests(phone)).filter((r) => r.kind === "ship").at(-1)!.ship?.runs?.map((r) => r.asked)).toEqual(["more style [[vm:change b.css +1 -0]]"]);
  expect((await pullsOf(phone)).map((p) => [p.number, p.branch, p.state])).toEqual([
    [1, "agent/web", "merged"],
    [2, "agent/web-2", "open"],
  ]);
});

it("a yes to a question that kept no preview ships nothing, and says to ask again", async () => {
  const phone = PHONES[1]!;
  await runWithChange(phone, "older question [[vm:change c.css +1 -0]]");
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  await nextMatching(phone, /^Push /, before);
  // As a question asked before previews were kept.
  await query(phone, "UPDATE questions SET detail = json_object('title', NULL, 'preview', NULL) WHERE kind = 'ship' AND closed_at IS NULL");
  const ships = (await vmRequests(phone)).filter((r) => r.kind === "ship").length;
  await sendInbound(phone, "yes");
  expect((await nextMatching(phone, /^Not shipped/, before)).body).toBe("Not shipped: the question this answers was asked before the relay kept what it showed. Send /ship again.");
  expect((await vmRequests(phone)).filter((r) => r.kind === "ship")).toHaveLength(ships);
});

it("refuses in one line, asking nothing: not a GitHub clone, a run still going, and the VM's own refusals", async () => {
  const phone = PHONES[2]!;
  expect(await ask(phone, "/ship")).toBe("Nothing to ship to: this conversation's project is not a clone of a GitHub repository (/new NAME https://github.com/owner/repo makes one).");
  await cloned(phone, "svc", "https://github.com/acme/svc");
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "long job [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
  expect(await ask(phone, "/ship")).toBe("@svc is still running: /ship once it has answered (or /stop it).");
  await releaseVm(phone);
  await nextMatching(phone, /^echo: long job/, before);
  await runIdle(phone);
  expect((await vmRequests(phone)).filter((r) => r.kind === "ship-preview" || r.kind === "ship")).toEqual([]);
  // A workspace whose remote the VM refuses (the stand-in's scripted refusal) is said as the VM says it.
  await cloned(phone, "bad", "https://github.com/acme/vm-ship-fail-token_scope");
  await runWithChange(phone, "x [[vm:change x.txt +1 -0]]");
  // The user's first change line is followed once by how to comment on it, which may still be on
  // its way: the answer to /ship is the refusal that comes after it.
  const beforeShip = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  expect((await nextMatching(phone, /^Not shipped/, beforeShip)).body).toBe("Not shipped: scripted token_scope");
  expect((await sentTo(phone)).slice(beforeShip).filter((m) => !m.body?.startsWith("To comment on a line"))).toHaveLength(1);
  expect(await pullsOf(phone)).toEqual([]);
});
