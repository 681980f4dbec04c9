// /handoff through the Worker: the reply's shell line alone in a code block; /h/<code> answers the
// script (readable again and again) and, once, the conversation's bundle from the VM for the
// laptop's directory; a used, expired or revoked code is a one-line 410, one never made a 404; a
// code serves its own conversation only, whichever is current, and no other phone's.
import { exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { changeLine } from "../../src/changes/changes-replies";
import { ask, eventually, query, sendInbound, sentTo, vmRequests } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";
import { allowPhones } from "./trigger-helpers";

const PHONES = ["+15550000370", "+15550000371", "+15550000372", "+15550000373", "+15550000374"] as const;
/** A hand-back conflict's question. */
const MY_PHONES = ["+15550000375", "+15550000376"] as const;
beforeAll(() => allowPhones([...PHONES, ...MY_PHONES]));

const LINE = new RegExp("```\\ncurl -sS (https://relay\\.example\\.test/h/([A-Za-z0-9_-]{22})) \\| sh\\n```");
const LAPTOP_DIR = "/home/ann/my work/api";

async function handoff(phone: string): Promise<{ url: string; code: string; reply: string }> {
  const reply = await ask(phone, "/handoff");
  const match = LINE.exec(reply);
  if (!match) throw new Error(`no shell line in ${JSON.stringify(reply)}`);
  return { url: match[1]!, code: match[2]!, reply };
}
const getScript = (url: string) => exports.default.fetch(new Request(url));
const download = (url: string, dir = LAPTOP_DIR) =>
  exports.default.fetch(new Request(`${url}/data`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ dir }).toString() }));

it("answers the line; the script reads any number of times; the data downloads once, for the laptop's directory", async () => {
  const phone = PHONES[0];
  await ask(phone, "remember the word apricot");
  const { url, reply } = await handoff(phone);
  expect(reply).toContain(`To read the script first: curl -sS ${url}`);
  // A code made is not a hand-off yet: only its download takes the conversation away.
  expect(await ask(phone, "/status")).not.toContain("on your laptop");
  expect(reply).toContain("15 minutes");

  for (let i = 0; i < 2; i++) {
    const script = await getScript(url);
    expect(script.status).toBe(200);
    const text = await script.text();
    expect(text).toMatch(/^#!\/bin\/sh\n/);
    expect(text).toContain(`url='${url}'`);
  }

  const data = await download(url);
  expect(data.status).toBe(200);
  expect(data.headers.get("content-type")).toBe("application/x-git-bundle");
  expect(await data.text()).toBe(`stand-in bundle of main for ${LAPTOP_DIR}`);
  const [session] = await query<{ session_id: string }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'");
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff")).toEqual([expect.objectContaining({ workspace: "main", sessionId: session!.session_id, laptopDir: LAPTOP_DIR })]);
  // The chat hears of it when the script reports its end, not at the download.
  expect((await sentTo(phone)).some((m) => (m.body ?? "").includes("went to your laptop"))).toBe(false);
  const done = await exports.default.fetch(new Request(`${url}/done`, { method: "POST" }));
  expect([done.status, await done.text()]).toEqual([200, "handoff: the chat is told.\n"]);
  await eventually(async () => (await sentTo(phone)).some((m) => /“main” went to your laptop at \d\d:\d\d/.test(m.body ?? "")));
  // Once: a second report tells nothing more.
  expect((await exports.default.fetch(new Request(`${url}/done`, { method: "POST" }))).status).toBe(200);
  expect(await ask(phone, "/status")).toMatch(/^💻 “main” is on your laptop since \d\d:\d\d \(\/handoff back brings it back\)\.\n/);

  const again = await download(url);
  expect(again.status).toBe(410);
  expect(await again.text()).toBe("handoff: this code was used already. Send /handoff in the chat for a new one.\n");
  // The chat is told too, once, however often the used line is run again.
  expect((await download(url)).status).toBe(410);
  const usedNotice = "⚠️ A laptop ran the /handoff line for “main”, but its code was used already: nothing was sent or changed. Send /handoff for a new line.";
  await eventually(async () => (await sentTo(phone)).some((m) => m.body === usedNotice));
  const sent = await sentTo(phone);
  expect(sent.filter((m) => (m.body ?? "").includes("went to your laptop"))).toHaveLength(1);
  expect(sent.filter((m) => m.body === usedNotice)).toHaveLength(1);
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff")).toHaveLength(1);
  // Its script still reads (the line can be looked at after it ran).
  expect((await getScript(url)).status).toBe(200);
});

it("refuses a code never made, or altered, with a 404 line and no lookup of data", async () => {
  const phone = PHONES[1];
  const { url, code } = await handoff(phone);
  const altered = `${url.slice(0, -code.length)}${code[0] === "A" ? "B" : "A"}${code.slice(1)}`;
  for (const bad of [altered, `${TEST_PUBLIC_URL}/h/nonsense`]) {
    const res = await download(bad);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("handoff: no such code. Send /handoff in the chat for a new one.\n");
    expect((await getScript(bad)).status).toBe(404);
  }
  const bad = await download(url, "relative/dir");
  expect(bad.status).toBe(400);
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff")).toHaveLength(0);
});

it("an expired code and one revoked by /web revoke are 410s, and nothing is served", async () => {
  const phone = PHONES[2];
  const expired = await handoff(phone);
  await query(phone, "UPDATE handoffs SET expires_at = ?", Date.now() - 1);
  const late = await download(expired.url);
  expect(late.status).toBe(410);
  expect(await late.text()).toContain("has expired");
  expect((await getScript(expired.url)).status).toBe(410);

  const revoked = await handoff(phone);
  await ask(phone, "/web revoke");
  const res = await download(revoked.url);
  expect(res.status).toBe(410);
  expect(await res.text()).toContain("was revoked (/web revoke)");
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff")).toHaveLength(0);
  // The chat names each, once: the expired line was run twice (script and data), the revoked once.
  await eventually(async () => {
    const bodies = (await sentTo(phone)).map((m) => m.body ?? "");
    return bodies.filter((b) => b.includes("but its code had expired (they work for 15 minutes): nothing was sent or changed.")).length === 1 && bodies.filter((b) => b.includes("but its code was revoked (/web revoke): nothing was sent or changed.")).length === 1;
  });
});

it("serves the conversation it was made in, after a switch too, and never another phone's", async () => {
  const phone = PHONES[3];
  await ask(phone, "/new other");
  const [other] = await query<{ workspace: string }>(phone, "SELECT workspace FROM conversations WHERE name = 'other'");
  const { url } = await handoff(phone);
  await ask(phone, "/switch main");
  expect(await (await download(url)).text()).toBe(`stand-in bundle of ${other!.workspace} for ${LAPTOP_DIR}`);
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff").map((r) => r.workspace)).toEqual([other!.workspace]);
  // The other phones' codes were not served this phone's data, nor this one theirs.
  expect((await vmRequests(PHONES[1])).filter((r) => r.kind === "handoff")).toHaveLength(0);
});

const SESSION = "0b9e6b8e-3c1f-4d7a-9a51-2f6f2d1c7e01";
function sendBack(url: string, base: string, wip = "b".repeat(40)) {
  const form = new FormData();
  form.set("dir", LAPTOP_DIR);
  form.set("branch", "fix-flaky");
  form.set("base", base);
  form.set("wip", wip);
  form.set("id", SESSION);
  form.set("session", new File(['{"type":"user"}\n'], "session.jsonl"));
  form.set("patch", new File(["diff --git a/x b/x\n"], "back.patch"));
  return exports.default.fetch(new Request(`${url}/back`, { method: "POST", body: form }));
}

it("/handoff back: its code takes the laptop's work once, the conversation resumes the laptop's session; a conflict the VM kept nothing of changes nothing", async () => {
  const phone = PHONES[1];
  const reply = await ask(phone, "/handoff back");
  expect(reply).toMatch(/bring it back here:\n```\ncurl -sS https:\/\/relay\.example\.test\/h\/[A-Za-z0-9_-]{22} \| sh\n```/);
  const url = LINE.exec(reply)![1]!;
  const script = await (await getScript(url)).text();
  expect(script).toContain('ask "$out/answer" "$@" "$url/back"');
  // A back code is no hand-off's: its data route does not know it.
  expect((await download(url)).status).toBe(404);

  const conflict = await sendBack(url, "0".repeat(40), "0".repeat(40));
  expect(conflict.status).toBe(409);
  expect(await conflict.text()).toContain("nothing was overwritten");
  await eventually(async () => (await sentTo(phone)).some((m) => (m.body ?? "").includes("the laptop's work was not taken back")));
  expect((await query<{ session_id: string | null }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'"))[0]?.session_id).not.toBe(SESSION);

  // The code works again after a conflict that kept nothing; taken, it is used.
  const back = await sendBack(url, "a".repeat(40));
  expect(back.status).toBe(200);
  expect(await back.text()).toBe("💻→📱 “main” is back from the laptop: 2 new turns, branch fix-flaky at aaaaaaa, 1 file changed. Your next message goes on from there.\n");
  expect((await query<{ session_id: string }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'"))[0]?.session_id).toBe(SESSION);
  expect((await sendBack(url, "a".repeat(40))).status).toBe(410);
  expect((await vmRequests(phone)).filter((r) => r.kind === "handback").map((r) => r.status)).toEqual([409, 200]);
  // A change like a run's: its line follows the notice, and /diff and /undo know it by the hand-back's checkpoints.
  await eventually(async () => (await sentTo(phone)).some((m) => m.body === changeLine({ files: 1, insertions: 1, deletions: 0 })));
  const [change] = await query<{ vm_run_id: string; label: string }>(phone, "SELECT vm_run_id, label FROM run_changes");
  expect(change).toEqual({ vm_run_id: "handback-main", label: "the laptop's work (/handoff back)" });
});

it("a message to a conversation on the laptop waits and asks first, once; “Keep on laptop” keeps it waiting, “Go on here” runs it", async () => {
  const phone = PHONES[4];
  await ask(phone, "remember the word apricot");
  const { url } = await handoff(phone);
  expect((await download(url)).status).toBe(200);
  const starts = async () => (await vmRequests(phone)).filter((r) => r.kind === "start").length;
  const before = await starts();

  let seen = (await sentTo(phone)).length;
  await sendInbound(phone, "hello from the phone");
  const question = await eventually(async () => (await sentTo(phone)).slice(seen).find((m) => (m.body ?? "").includes("is on your laptop since")));
  expect(question.body).toMatch(/^@main is on your laptop since \d\d:\d\d; go on here anyway\?$/);
  expect(question.buttons.map((b) => b.title)).toEqual(["Go on here", "Keep on laptop"]);

  seen = (await sentTo(phone)).length;
  await sendInbound(phone, "Keep on laptop", { ButtonText: "Keep on laptop", ButtonPayload: question.buttons[1]!.id });
  await eventually(async () => (await sentTo(phone)).slice(seen).some((m) => (m.body ?? "").startsWith("“main” stays on the laptop")));
  await sendInbound(phone, "and this too");
  // Asked once per hand-off; nothing runs while it is on the laptop.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect((await sentTo(phone)).filter((m) => (m.body ?? "").includes("go on here anyway?"))).toHaveLength(1);
  expect(await starts()).toBe(before);
  expect((await query<{ n: number }>(phone, "SELECT count(*) AS n FROM messages WHERE status = 'queued'"))[0]?.n).toBe(2);

  seen = (await sentTo(phone)).length;
  await sendInbound(phone, "Go on here", { ButtonText: "Go on here", ButtonPayload: question.buttons[0]!.id });
  await eventually(async () => (await sentTo(phone)).slice(seen).some((m) => (m.body ?? "").startsWith("Going on with “main” here")));
  // Neither waiting message was lost: both go to the agent.
  await eventually(async () => (await sentTo(phone)).slice(seen).some((m) => (m.body ?? "").includes("hello from the phone") && (m.body ?? "").includes("and this too")));
  expect(await ask(phone, "/status")).not.toContain("on your laptop");
});

/** A /handoff back that meets a conversation changed on the phone too: the question, with its buttons. */
async function conflictQuestion(phone: string) {
  const url = LINE.exec(await ask(phone, "/handoff back"))![1]!;
  const seen = (await sentTo(phone)).length;
  const conflict = await sendBack(url, "0".repeat(40));
  expect(conflict.status).toBe(409);
  expect(await conflict.text()).toBe("handoff: the conversation changed on the phone too; your work here was sent and kept there as a branch, and the chat asks which side goes on. Nothing is lost either way.\n");
  const question = await eventually(async () => (await sentTo(phone)).slice(seen).find((m) => (m.body ?? "").includes("changed here too")));
  expect(question.body).toBe("⚠️ “main” changed here too since it went to the laptop. Which side goes on? Nothing is lost either way: the laptop's work is on branch handoff/laptop-20261126-140205 and its session is saved as ~/.claude/handoff/laptop-20261126-140205.jsonl for now; the side you do not keep stays as a branch and a saved session.");
  expect(question.buttons.map((b) => b.title)).toEqual(["Keep laptop", "Keep phone"]);
  // The laptop's work is with the relay now: the code is used.
  expect((await sendBack(url, "0".repeat(40))).status).toBe(410);
  return question;
}

it("a conflict on both sides asks which to keep; “Keep phone” leaves the conversation here and says where the laptop's work is, once", async () => {
  const phone = MY_PHONES[0];
  await ask(phone, "remember the word apricot");
  const [before] = await query<{ session_id: string }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'");
  const question = await conflictQuestion(phone);
  let seen = (await sentTo(phone)).length;
  await sendInbound(phone, "Keep phone", { ButtonText: "Keep phone", ButtonPayload: question.buttons[1]!.id });
  await eventually(async () => (await sentTo(phone)).slice(seen).some((m) => m.body === "Keeping the phone's side of “main”; the laptop's work is on branch handoff/laptop-20261126-140205 and its session is saved as ~/.claude/handoff/laptop-20261126-140205.jsonl. Waiting messages go to the agent now."));
  expect((await query<{ session_id: string }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'"))[0]?.session_id).toBe(before!.session_id);
  expect((await vmRequests(phone)).filter((r) => r.kind === "handback-keep")).toHaveLength(0);

  // Answered once: a second tap changes nothing.
  seen = (await sentTo(phone)).length;
  await sendInbound(phone, "Keep laptop", { ButtonText: "Keep laptop", ButtonPayload: question.buttons[0]!.id });
  await eventually(async () => (await sentTo(phone)).slice(seen).some((m) => m.body === "That question was answered already."));
  expect((await vmRequests(phone)).filter((r) => r.kind === "handback-keep")).toHaveLength(0);
});

it("“Keep laptop” has the VM take the laptop's side and keep the phone's; the conversation resumes the laptop's session and its waiting message runs", async () => {
  const phone = MY_PHONES[1];
  await ask(phone, "remember the word apricot");
  const [before] = await query<{ session_id: string }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'");
  const { url } = await handoff(phone);
  expect((await download(url)).status).toBe(200);
  await sendInbound(phone, "waiting on the phone");
  await eventually(async () => (await sentTo(phone)).some((m) => (m.body ?? "").includes("go on here anyway?")));
  const starts = async () => (await vmRequests(phone)).filter((r) => r.kind === "start").length;
  const startsBefore = await starts();

  const question = await conflictQuestion(phone);
  const seen = (await sentTo(phone)).length;
  await sendInbound(phone, "Keep laptop", { ButtonText: "Keep laptop", ButtonPayload: question.buttons[0]!.id });
  await eventually(async () =>
    (await sentTo(phone))
      .slice(seen)
      .some((m) => m.body === "💻→📱 “main” is back from the laptop: 3 new turns, branch fix-flaky at ccccccc, 2 files changed. Your next message goes on from there. The phone's work is on branch handoff/phone-20261126-140205 and its session is saved as ~/.claude/handoff/phone-20261126-140205.jsonl."),
  );
  expect((await vmRequests(phone)).filter((r) => r.kind === "handback-keep").map((r) => r.sessionId)).toEqual([before!.session_id]);
  expect((await query<{ session_id: string }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'"))[0]?.session_id).toBe(SESSION);
  // The laptop's side in the workspace is a change like a run's: its line, and /diff and /undo know it.
  await eventually(async () => (await sentTo(phone)).slice(seen).some((m) => m.body === changeLine({ files: 2, insertions: 3, deletions: 1 })));
  expect(await query<{ vm_run_id: string; label: string }>(phone, "SELECT vm_run_id, label FROM run_changes")).toEqual([{ vm_run_id: "handback-keep-main", label: "the laptop's work (/handoff back)" }]);
  // The message that waited goes to the agent now.
  await eventually(async () => (await starts()) > startsBefore);
  expect(await ask(phone, "/status")).not.toContain("on your laptop");
});
