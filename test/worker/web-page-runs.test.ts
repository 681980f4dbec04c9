// What the private page shows of each run (issue 23, items 5 and 3): its tool calls as the VM
// reported them (kept with the run, secrets redacted, the rest counted), its change with the diff
// the VM drew as HTML (kept in R2 next to the diff, shown inline for the newest change, on the
// run's own page for the others), and /diff's line carrying the page's link. The run's page is
// under the same link rules: a wrong, altered or revoked token, a run of another conversation or
// of another phone, are all a plain 404.
import { env, exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { deriveWebLinkKey } from "../../src/web/web-token";
import { issueWebLink } from "../../src/web/web-links";
import { STAND_IN_SECRET } from "../stand-ins/vm-stand-in-types";
import { ask, eventually, outboxSent, query, sendInbound, sentTo } from "./helpers";
import { TEST_ADMIN, TEST_AUTH_TOKEN, TEST_PUBLIC_URL } from "./test-env";

// ALLOWED_SENDERS' numbers are all taken by other files: these are let in by the admin.
const PHONES = ["+15550000950", "+15550000951", "+15550000952", "+15550000953"];
beforeAll(async () => {
  for (const phone of PHONES) {
    await sendInbound(TEST_ADMIN, `/allow ${phone}`);
    await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${phone}`) || (m.body ?? "").startsWith(`${phone} is already`)));
  }
});

const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/web/[A-Za-z0-9_-]{22})(?:#change)?(?:\\s|$)`);
const get = (path: string) => exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`));
const linkIn = (text: string) => LINK.exec(text)?.[1] ?? "";
const runIdle = (phone: string) => eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);

/** Sends `text`, waits for the reply's echo and for the change's R2 writes (when it makes one). */
async function run(phone: string, text: string, change = false): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await eventually(async () => (await sentTo(phone)).slice(before).some((m) => (m.body ?? "").startsWith("echo:")));
  await runIdle(phone);
  if (change) await eventually(async () => (await query<{ k: string | null }>(phone, "SELECT diff_html_key AS k FROM run_changes ORDER BY created_at DESC LIMIT 1"))[0]?.k);
  // The change's line may follow the reply as a message of its own, and the user's first one the
  // hint on commenting, queued with it: the next command's answer comes after both are sent.
  if (change) {
    await eventually(async () => (await sentTo(phone)).slice(before).some((m) => / files? changed, \+\d+ −\d+/.test(m.body ?? "")));
    await outboxSent(phone);
  }
}

async function expectNotFound(path: string): Promise<void> {
  const response = await get(path);
  expect(response.status).toBe(404);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(await response.text()).toBe("Not found");
}

it("keeps each run's tool calls with the run (secrets redacted, the first 100, the rest counted) and lists them on the page", async () => {
  const phone = PHONES[0]!;
  await run(phone, `check [[vm:tool-calls 2]] [[vm:tool-input curl -H "key: ${STAND_IN_SECRET}" https://api]] [[vm:tool-refused rm -rf build]]`);
  await run(phone, "many [[vm:tool-calls 120]]");
  await run(phone, "none at all");
  // In the run's own row: one entry for its one VM run.
  const kept = await query<{ id: string; tool_calls: string }>(phone, "SELECT id, tool_calls FROM runs ORDER BY created_at");
  const rows = kept.map((r) => {
    const entries = JSON.parse(r.tool_calls) as { vmRunId: string; calls: unknown[]; more: number }[];
    expect(entries.map((e) => e.vmRunId)).toEqual([`${r.id}-1`]);
    return { run_id: r.id, calls: JSON.stringify(entries[0]!.calls), more: entries[0]!.more };
  });
  expect(rows).toHaveLength(3);
  expect(JSON.parse(rows[0]!.calls)).toEqual([
    { tool: "Bash", input: "npm test -- --step 1" },
    { tool: "Bash", input: "npm test -- --step 2" },
    { tool: "Bash", input: 'curl -H "key: [redacted]" https://api' },
    { tool: "Bash", input: "rm -rf build", notApproved: true },
  ]);
  expect([JSON.parse(rows[1]!.calls).length, rows[1]!.more]).toEqual([100, 20]);
  // A run that called no tool has its entry too: only a run cut off without a terminal event has none.
  expect([JSON.parse(rows[2]!.calls), rows[2]!.more]).toEqual([[], 0]);

  const page = linkIn(await ask(phone, "/web"));
  const html = await (await get(page)).text();
  expect(html).toContain("<li>Bash <code>curl -H &quot;key: [redacted]&quot; https://api</code></li>");
  // A call the user refused is listed as one that did not run.
  expect(html).toContain('<li class="refused">Bash <code>rm -rf build</code> (not approved: it did not run)</li>');
  // (The user's own message holds it, as they typed it; the runs never.)
  expect(html.slice(html.indexOf("<h3>Runs</h3>"))).not.toContain(STAND_IN_SECRET);
  // The page lists a run's first 5 calls and links the run's own page for the rest.
  const many = rows[1]!.run_id;
  expect(html).toContain("and 115 more on the run&#39;s page");
  expect(html).toContain(`<a href="${page}/runs/${many}">all its tool calls</a>`);
  const runPage = await (await get(`${page}/runs/${many}`)).text();
  expect(runPage).toContain("npm test -- --step 100</code>");
  expect(runPage).toContain("and 20 more, not kept");
});

it("says a run cut off without a terminal event has its tool calls not recorded", async () => {
  const phone = PHONES[1]!;
  await run(phone, "hello");
  // As a run the relay gave up on, its VM never reporting its end.
  const [{ id }] = (await query<{ id: string }>(phone, "SELECT id FROM runs")) as [{ id: string }];
  await query(phone, "UPDATE runs SET tool_calls = NULL WHERE id = ?", id);
  const html = await (await get(linkIn(await ask(phone, "/web")))).text();
  expect(html).toContain("Tool calls not recorded (the run was cut off).");
});

it("keeps the diff's HTML in R2 next to the diff; shows the newest change inline and the older on their run's page; /diff comes with the link", async () => {
  const phone = PHONES[2]!;
  await run(phone, "first [[vm:change docs/one.md +1 -1]]", true);
  await run(phone, "second [[vm:change src/two.ts +2 -1]]", true);
  const changes = await query<{ vm_run_id: string; diff_key: string; diff_html_key: string }>(phone, "SELECT vm_run_id, diff_key, diff_html_key FROM run_changes ORDER BY created_at");
  const [older, newer] = changes as [(typeof changes)[0], (typeof changes)[0]];
  expect(newer.diff_html_key).toMatch(/^diff\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]{22}\.html$/);
  const stored = await env.MEDIA!.get(newer.diff_html_key);
  expect(stored!.httpMetadata?.contentType).toBe("text/html; charset=utf-8");
  expect(await stored!.text()).toContain('<span class="d2h-file-name">src/two.ts</span>');

  // /diff: the picture's line carries a fresh link to the conversation's page, as /web makes it.
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "/diff");
  const picture = await eventually(async () => (await sentTo(phone)).slice(before).find((m) => (m.body ?? "").startsWith("Last change")));
  expect(picture.body).toMatch(/^Last change, by the run for “second(?: \[\[vm:change src\/two\.ts \+2 -1\]\])?”: 1 file, \+2 −1: src\/two\.ts\. The whole diff, coloured, on the page: http\S+\/web\/[A-Za-z0-9_-]{22}#change\nTo comment on a line, reply “line 12: …” \(or “src\/app\.ts:12 …”\), or tap the line on the page: the agent gets your comments as a review\.$/);
  const page = linkIn(picture.body!);
  const response = await get(page);
  expect(response.status).toBe(200);
  const html = await response.text();
  // The newest change inline, drawn by the VM; the older one a link to its run's page.
  expect(html).toMatch(/<h3>Latest change<\/h3><p class="change">1 file changed, \+2 −1<\/p><div class="diff" data-change="[^"]+" data-review="review-1"><div class="d2h-wrapper/);
  expect(html).toContain('<span class="d2h-file-name">src/two.ts</span>');
  expect(html).not.toContain('<span class="d2h-file-name">docs/one.md</span>');
  const olderRun = older.vm_run_id.replace(/-\d+$/, "");
  expect(html).toContain(`<a href="${page}/runs/${olderRun}">its diff and tool calls</a>`);
  const olderPage = await get(`${page}/runs/${olderRun}`);
  expect(olderPage.status).toBe(200);
  expect(olderPage.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
  expect(await olderPage.text()).toContain('<span class="d2h-file-name">docs/one.md</span>');

  // The run's page under a wrong, altered or revoked link, or for a run it does not cover: a plain 404.
  await expectNotFound(`${page}/runs/nope`);
  await expectNotFound(`${page}/runs/${olderRun}x`);
  await expectNotFound(`${page}/runs/${"x".repeat(81)}`);
  await expectNotFound(`${page.slice(0, -1)}${page.endsWith("A") ? "B" : "A"}/runs/${olderRun}`);
  // Another phone's run, under this phone's link; this phone's run under another phone's link.
  const otherRun = (await query<{ id: string }>(PHONES[0]!, "SELECT id FROM runs LIMIT 1"))[0]!.id;
  await expectNotFound(`${page}/runs/${otherRun}`);
  const key = await deriveWebLinkKey(TEST_AUTH_TOKEN);
  const otherLink = await issueWebLink(env, key, { object: env.PHONE_AGENT.idFromName(PHONES[0]!).toString(), scope: { kind: "all" }, epoch: 0, expiresAt: Date.now() + 60_000 });
  await expectNotFound(`/web/${otherLink}/runs/${olderRun}`);
  // A conversation the link does not cover.
  await ask(phone, "/new side");
  await run(phone, "side work", false);
  const sideRun = (await query<{ id: string }>(phone, "SELECT id FROM runs ORDER BY created_at DESC LIMIT 1"))[0]!.id;
  await expectNotFound(`${page}/runs/${sideRun}`);
  expect((await get(`${linkIn(await ask(phone, "/web all"))}/runs/${sideRun}`)).status).toBe(200);
  // The dashboard's link opens no run's page; a revoked link none either.
  await expectNotFound(`${linkIn(await ask(TEST_ADMIN, "/dashboard"))}/runs/${olderRun}`);
  expect(await ask(phone, "/web revoke")).toMatch(/no longer works/);
  await expectNotFound(`${page}/runs/${olderRun}`);

  // Deleting the conversation deletes the diff and its HTML together.
  await ask(phone, "/switch main");
  await ask(phone, "/new other");
  expect(await ask(phone, "/delete main yes")).toMatch(/^Deleted main/);
  await eventually(async () => (await env.MEDIA!.head(newer.diff_html_key)) === null && (await env.MEDIA!.head(older.diff_html_key)) === null);
}, 60_000);

it("shows no diff HTML it reads back from R2 that diff2html did not make, and says the diff could not be read", async () => {
  const phone = PHONES[3]!;
  await run(phone, "tampered [[vm:change app.js +1 -0]]", true);
  const [change] = await query<{ k: string }>(phone, "SELECT diff_html_key AS k FROM run_changes");
  // What the VM sent passed the check on its way in; the copy in the bucket is then replaced.
  await env.MEDIA!.put(change!.k, '<div class="d2h-wrapper"><img src=x onerror="alert(1)"><script>alert(2)</script></div>');
  const reply = await ask(phone, "/web");
  const response = await get(linkIn(reply));
  expect(response.status, reply).toBe(200);
  const html = await response.text();
  expect(html).not.toContain("onerror");
  expect(html).not.toContain("<script>alert(2)");
  expect(html).toContain("The diff could not be read right now.");
}, 60_000);
