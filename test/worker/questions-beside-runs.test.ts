// The relay's own questions belong to their conversation: /undo, /redo, /ship, /delete, /link and a
// CI "Fix it", typed or tapped, are answered by the relay while a run of another conversation is live.
import { afterEach, beforeAll, expect, it } from "vitest";
import { ask, eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";
import { allowPhones } from "./trigger-helpers";
import { deliver, payloads, shippedPr, watch } from "./github-helpers";
import { codeIn, fromTelegram, saidTo } from "./link-helpers";

const PHONES = ["+15550000720", "+15550000721", "+15550000722", "+15550000723", "+15550000724"];
beforeAll(() => allowPhones(PHONES));
// A held run is let go even when a test fails, so no run outlives its file.
afterEach(() => Promise.all(PHONES.map((p) => releaseVm(p))));

const nextMatching = (phone: string, pattern: RegExp, after: number) => eventually(async () => (await sentTo(phone)).slice(after).find((m) => pattern.test(m.body ?? "")));
const runsLive = async (phone: string) => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]!.n;
const startsOf = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "start");

/** A run of `main` that stays live until released: the other conversation's run. */
async function holdMain(phone: string): Promise<void> {
  const before = (await startsOf(phone)).length;
  await sendInbound(phone, "@main slow work [[vm:hold]]");
  await eventually(async () => (await startsOf(phone)).length === before + 1);
}

/** `text` in the current conversation, and its change line once its run is done. */
async function runWithChange(phone: string, text: string): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await nextMatching(phone, /changed, \+/, before);
  await eventually(async () => (await runsLive(phone)) === 0);
}

it("/undo's question, typed or tapped, and /redo are the relay's while another conversation's run is live", async () => {
  const phone = PHONES[0]!;
  await ask(phone, "/new web");
  await runWithChange(phone, "edit [[vm:change src/web.ts +2 -0]]");
  await holdMain(phone);
  const starts = (await startsOf(phone)).length;

  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/undo");
  const question = await nextMatching(phone, /^Undo /, before);
  await sendInbound(phone, "No", { ButtonText: "No", ButtonPayload: question.buttons[1]!.id });
  await nextMatching(phone, /^Not undone: the files stay as they are\.$/, before);

  expect(await ask(phone, "/undo")).toMatch(/^Undo the run for “edit”/);
  expect(await ask(phone, "no")).toBe("Not undone: the files stay as they are.");

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/undo");
  await nextMatching(phone, /^Undo /, before);
  await sendInbound(phone, "yes");
  await nextMatching(phone, /^Undone: /, before);
  expect((await vmRequests(phone)).filter((r) => r.kind === "undo").map((r) => r.status)).toEqual([200]);

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/redo");
  await nextMatching(phone, /^Redone: /, before);
  // Not one of these answers reached the agent, and main's run is still the one live.
  expect(await startsOf(phone)).toHaveLength(starts);
  expect(await runsLive(phone)).toBe(1);
});

it("/ship's question, tapped or typed, is the relay's while another conversation's run is live", async () => {
  const phone = PHONES[1]!;
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/new api https://github.com/acme/beside.git");
  await nextMatching(phone, /^Cloned /, before);
  await runWithChange(phone, "add a route [[vm:change src/route.ts +5 -0 added]]");
  await holdMain(phone);
  const starts = (await startsOf(phone)).length;

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  const question = await nextMatching(phone, /^Push /, before);
  await sendInbound(phone, "Cancel", { ButtonText: "Cancel", ButtonPayload: question.buttons[1]!.id });
  await nextMatching(phone, /^Not shipped/, before);

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/ship");
  await nextMatching(phone, /^Push /, before);
  await sendInbound(phone, "ship");
  await nextMatching(phone, /^🚀 /, before);
  expect(await startsOf(phone)).toHaveLength(starts);
});

it("/delete's question is the relay's while another conversation's run is live", async () => {
  const phone = PHONES[2]!;
  await ask(phone, "/new old");
  await ask(phone, "/new here");
  await holdMain(phone);
  expect(await ask(phone, "/delete old")).toBe("Delete old and its project directory, with any work not pushed? Send /delete old yes.");
  expect(await ask(phone, "/delete old yes")).toBe("Deleted old and its project directory.");
});

it("/link's question is the relay's while another conversation's run is live", async () => {
  const phone = PHONES[3]!;
  const user = "900720";
  await holdMain(phone);
  const code = codeIn(await ask(phone, "/link"));
  await fromTelegram(user, `/link ${code}`);
  await saidTo(phone, (b) => b.startsWith(`🔗 Link request: Telegram (${user})`));
  expect(await ask(phone, "/link no")).toBe("Not linked: nothing was joined.");
});

it("a CI failure's typed fix it is the relay's while another conversation's run is live: it starts the fix run", async () => {
  const phone = PHONES[4]!;
  await ask(phone, "/new api");
  const secret = await watch(phone, "acme/busy");
  await shippedPr(phone, "acme/busy", 3, "api");
  await holdMain(phone);
  await deliver("check_suite", payloads.checkSuite("acme/busy", 3, "failure"), secret);
  await saidTo(phone, (b) => b.startsWith("❌ CI failed on acme/busy#3"));
  await sendInbound(phone, "fix it");
  await saidTo(phone, (b) => b.startsWith("▶️ GitHub: CI failed on acme/busy#3: started a run in @api"));
  await eventually(async () => (await startsOf(phone)).some((s) => s.messages?.[0]?.id.startsWith("gh-fix-")));
  expect((await startsOf(phone)).filter((s) => s.messages?.[0]?.text === "fix it")).toEqual([]);
});
