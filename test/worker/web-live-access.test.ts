// Who may open a page's live socket and act from it: the page's own link only (an altered, expired
// or revoked one is the page's plain 404, another site is refused), a link revoked while open
// closes its socket; a link sent within the hour may stop the run and answer an approval (the
// first answer wins, the chat says it was answered on the page), an older one watches only.
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { WATCH_ONLY } from "../../src/web/web-live";
import { deriveWebLinkKey, webLinkDigest } from "../../src/web/web-token";
import { issueWebLink } from "../../src/web/web-links";
import { ask, bodies, eventually, query, releaseVm, sendInbound, sentTo } from "./helpers";
import { directory } from "./link-helpers";
import { TEST_AUTH_TOKEN, TEST_PUBLIC_URL } from "./test-env";
import { closeAll, eventsWhen, FROM_PAGE, LINK, mustOpen, openLive, type PageSocket } from "./web-live-helpers";

const opened: (PageSocket | number)[] = [];
afterEach(() => closeAll(opened.splice(0)));

const objectOf = (number: string) => env.PHONE_AGENT.idFromName(number).toString();
const linkOf = async (phone: string) => LINK.exec(await ask(phone, "/web"))![1]!;
const runOpen = async (phone: string) => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n > 0;
const act = (path: string, body: unknown, headers: Record<string, string> = FROM_PAGE) =>
  exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}/live/act`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) }));

describe("the live socket's door", () => {
  it("refuses what is not the page's own link, from the page; a revoked link's open socket closes", async () => {
    const phone = "+15550000288";
    await sendInbound(phone, "a long one [[vm:hold]]");
    await eventually(() => runOpen(phone));
    const path = await linkOf(phone);
    const token = path.slice("/web/".length);

    // Not a socket; from another site; an unreadable number: refused before the link is looked at.
    expect((await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}/live`))).status).toBe(426);
    expect(await openLive(`${path}/live`, { origin: "https://elsewhere.example" })).toBe(403);
    expect(await openLive(`${path}/live`, {})).toBe(403);
    expect(await openLive(`${path}/live?since=-1`)).toBe(400);
    // An altered token, an expired link, the dashboard's link: the page's 404.
    expect(await openLive(`/web/${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}/live`)).toBe(404);
    const key = await deriveWebLinkKey(TEST_AUTH_TOKEN);
    expect(await openLive(`/web/${await issueWebLink(env, key, { object: objectOf(phone), scope: { kind: "all" }, epoch: 0, expiresAt: Date.now() - 1000 })}/live`)).toBe(404);
    expect(await openLive(`/web/${await issueWebLink(env, key, { object: objectOf(phone), scope: { kind: "dashboard" }, epoch: 0, expiresAt: Date.now() + 60_000 })}/live`)).toBe(404);

    const socket = await mustOpen(`${path}/live`);
    opened.push(socket);
    await eventsWhen(socket, (e) => e.some((m) => m.text === "Thinking"));
    // /web revoke: the socket its link opened closes now, and the link opens no other.
    expect(await ask(phone, "/web revoke")).toMatch(/no longer works/);
    expect(await eventually(async () => socket.closed())).toBe(4001);
    expect(await openLive(`${path}/live`)).toBe(404);
    await releaseVm(phone);
    await eventually(async () => !(await runOpen(phone)));
  });
});

describe("acting from the page", () => {
  it("answers an approval as the chat's button does: first answer wins, the chat says so; cross-site refused", async () => {
    const phone = "+15550000289";
    expect(await ask(phone, "/approvals on")).toMatch(/^Approvals in main: on/);
    await sendInbound(phone, "clean up [[vm:approval Bash rm -rf build]]");
    // The prompt reached the chat first: the next reply is /web's.
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("rm -rf build")));
    const path = await linkOf(phone);
    const socket = await mustOpen(`${path}/live`);
    opened.push(socket);
    const [asked] = await eventsWhen(socket, (e) => e.some((m) => m.kind === "approval"));
    const approval = socket.events().find((m) => m.kind === "approval")!;
    expect(asked).toBeDefined();
    expect(approval.text).toContain("rm -rf build");

    // Not from the page: refused, nothing answered.
    expect((await act(path, { kind: "answer", approvalId: approval.approvalId, answer: "yes" }, { origin: "https://elsewhere.example", "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await act(path, { kind: "answer", approvalId: "1", answer: "maybe" })).status).toBe(400);
    const answered = await act(path, { kind: "answer", approvalId: approval.approvalId, answer: "yes" });
    expect(answered.status).toBe(200);
    // The chat says it, the command runs (the stand-in's reply names it), the page sees the answer.
    const said = await eventually(async () => bodies(await sentTo(phone)).find((b) => b?.includes("(answered on the page)")));
    expect(said).toMatch(/^✅ Allowed/);
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("approved: Bash rm -rf build")));
    await eventsWhen(socket, (e) => e.some((m) => m.kind === "answered" && m.approvalId === approval.approvalId));
    expect(socket.events().filter((m) => m.kind === "answered").map((m) => m.text)).toEqual(["Allowed."]);
    // The first answer counted: a second is refused and changes nothing.
    const second = await act(path, { kind: "answer", approvalId: approval.approvalId, answer: "no" });
    expect(second.status).toBe(409);
    expect((await query<{ status: string }>(phone, "SELECT status FROM approvals WHERE id = ?", approval.approvalId!))[0]?.status).toBe("allowed");
  });

  it("a question answered in the chat closes on the open page, once", async () => {
    const phone = "+15550000296";
    expect(await ask(phone, "/approvals on")).toMatch(/^Approvals in main: on/);
    await sendInbound(phone, "tidy [[vm:approval Bash rm -rf dist]]");
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("rm -rf dist")));
    const path = await linkOf(phone);
    const socket = await mustOpen(`${path}/live`);
    opened.push(socket);
    const approval = (await eventsWhen(socket, (e) => e.some((m) => m.kind === "approval"))).find((m) => m.kind === "approval")!;
    await sendInbound(phone, "yes");
    await eventsWhen(socket, (e) => e.some((m) => m.kind === "answered" && m.approvalId === approval.approvalId));
    await eventually(async () => !(await runOpen(phone)));
    const closes = socket.events().filter((m) => m.kind === "answered");
    expect(closes.map((m) => [m.approvalId, m.text])).toEqual([[approval.approvalId, "Allowed."]]);
    // The page can no longer answer it.
    expect((await act(path, { kind: "answer", approvalId: approval.approvalId, answer: "no" })).status).toBe(409);
  });

  it("a run stopped in the chat ends on the open page", async () => {
    const phone = "+15550000297";
    await sendInbound(phone, "a long one [[vm:hold]]");
    await eventually(() => runOpen(phone));
    const path = await linkOf(phone);
    const socket = await mustOpen(`${path}/live`);
    opened.push(socket);
    await eventually(async () => socket.messages.length >= 1);
    expect(await ask(phone, "/stop")).toMatch(/^Stopped/);
    const ends = (await eventsWhen(socket, (e) => e.some((m) => m.kind === "failed"))).filter((m) => m.kind === "failed");
    expect(ends.map((m) => m.text)).toEqual(["The run was stopped."]);
    await releaseVm(phone);
  });

  it("shows an edit's question with its diff, and denies it from the page as the chat's No does", async () => {
    const phone = "+15550000230";
    await sendInbound(phone, "write the notes [[vm:approval-edit Write notes.txt 2]]");
    // The prompt (after the edit's picture) reached the chat: the next reply is /web's.
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("🔐")));
    const path = await linkOf(phone);
    const socket = await mustOpen(`${path}/live`);
    opened.push(socket);
    const [approval] = (await eventsWhen(socket, (e) => e.some((m) => m.kind === "approval"))).filter((m) => m.kind === "approval");
    expect((approval as { diff?: string }).diff).toBe("--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1,2 @@\n+line 1\n+line 2\n");
    // The page that opens now shows it too, as text under the question.
    const html = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`))).text();
    expect(html).toContain('<pre class="live-diff">--- /dev/null\n+++ b/notes.txt');
    expect((await act(path, { kind: "answer", approvalId: approval!.approvalId, answer: "no" })).status).toBe(200);
    expect(await eventually(async () => bodies(await sentTo(phone)).find((b) => b?.includes("(answered on the page)")))).toMatch(/^🚫 Denied/);
    await eventually(async () => !(await runOpen(phone)));
  });

  it("stops the run from a fresh link; a link older than an hour watches only and says how to get a fresh one", async () => {
    const phone = "+15550000290";
    await sendInbound(phone, "take your time [[vm:hold]]");
    await eventually(() => runOpen(phone));
    const path = await linkOf(phone);
    const old = await linkOf(phone);
    // The second link was sent two hours ago, as the directory keeps it.
    const key = await deriveWebLinkKey(TEST_AUTH_TOKEN);
    const digest = (await webLinkDigest(key, old.slice("/web/".length)))!;
    await runInDurableObject(directory(), (_d, state) => state.storage.sql.exec("UPDATE web_links SET issued_at = issued_at - 7200000 WHERE digest = ?", digest));

    const watching = await mustOpen(`${old}/live`);
    opened.push(watching);
    await eventually(async () => watching.messages.length >= 1);
    expect(watching.messages[0]).toMatchObject({ type: "hello", canAct: false, note: WATCH_ONLY });
    const refused = await act(old, { kind: "stop" });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe(WATCH_ONLY);
    expect(await runOpen(phone)).toBe(true);

    const stopped = await act(path, { kind: "stop" });
    expect(stopped.status).toBe(200);
    expect(await runOpen(phone)).toBe(false);
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("Stopped") && b.endsWith("(stopped on the page)")));
    await eventsWhen(watching, (e) => e.some((m) => m.kind === "failed" && m.text === "The run was stopped on the page."));
    await releaseVm(phone);
  });
});
