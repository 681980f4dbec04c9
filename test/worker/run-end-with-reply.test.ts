// A run's last reply and its end are one step: the user never holds the reply while the object
// still holds the run open. The VM stand-in sends the run's end 1.5 s after its last result
// (`[[vm:slow-end MS]]`: two lines a network delivered apart); whenever the reply reaches the
// chat, /undo, /ship and /status sent at that moment see the run over and its change recorded.
import { beforeAll, expect, it } from "vitest";
import { eventually, query, sendInbound, sentTo } from "./helpers";
import { TEST_ADMIN } from "./test-env";
import { SHIP_NOT_A_CLONE } from "../../src/github/ship";

const PHONES = ["+15550000990", "+15550000991"];
beforeAll(async () => {
  for (const phone of PHONES) {
    await sendInbound(TEST_ADMIN, `/allow ${phone}`);
    await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${phone}`) || (m.body ?? "").startsWith(`${phone} is already`)));
  }
});

/** The first message after the `before`-th that answers `command`: either of its answers, the one for a run over or a run going. */
async function answerTo(phone: string, command: string, answers: RegExp): Promise<string> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, command);
  return eventually(async () => (await sentTo(phone)).slice(before).find((m) => answers.test(m.body ?? ""))?.body ?? undefined);
}

/** Sends `text` and waits for the reply that starts with `reply`; the moment it is in the chat, sends each command and reads its answer. */
async function askAtTheReply(phone: string, text: string, reply: string, asks: [command: string, answers: RegExp][]): Promise<string[]> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await eventually(async () => (await sentTo(phone)).slice(before).some((m) => (m.body ?? "").startsWith(reply)), 15_000);
  const answers: string[] = [];
  for (const [command, pattern] of asks) answers.push(await answerTo(phone, command, pattern));
  return answers;
}

it("/undo, /ship and /status sent the moment a run's reply arrives see the run ended, its change recorded", async () => {
  const phone = PHONES[0]!;
  // /undo last: its question would close with the next message, and that is told first.
  const [status, ship, undo] = await askAtTheReply(phone, "append [[vm:change notes.md +1 -0]] [[vm:slow-end 1500]]", "echo: append", [
    ["/status", /^The agent is/],
    ["/ship", /^Nothing to ship to|is still running: \/ship once/],
    ["/undo", /^Undo the run|^Not now: /],
  ]);
  expect(undo).toMatch(/^Undo the run for “append”\? Its file goes back as it was before it: notes\.md\./);
  expect(ship).toBe(SHIP_NOT_A_CLONE);
  expect(status).toMatch(/^The agent is idle\./);
  expect(await query<{ phase: string }>(phone, "SELECT phase FROM runs")).toEqual([{ phase: "finished" }]);
});

it("a reply and its run's end are written in one step: the run is never seen open with its reply queued", async () => {
  const phone = PHONES[1]!;
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "hello [[vm:slow-end 1500]]");
  // Sampled while the end is on its way: an outbox row of the reply and an open run never coexist.
  const seen: { open: number; replies: number }[] = [];
  await eventually(async () => {
    const [row] = await query<{ open: number; replies: number }>(phone, "SELECT (SELECT count(*) FROM runs WHERE phase != 'finished') AS open, (SELECT count(*) FROM outbox WHERE body LIKE 'echo: hello%') AS replies");
    seen.push(row!);
    return (await sentTo(phone)).slice(before).some((m) => (m.body ?? "").startsWith("echo: hello"));
  }, 15_000);
  expect(seen.filter((s) => s.open > 0 && s.replies > 0)).toEqual([]);
  expect(seen.some((s) => s.open > 0)).toBe(true);
});
