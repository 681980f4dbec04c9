// A run an event started works in a fork of the conversation's session: the conversation keeps
// the user's own session, and the user's next message resumes it with one line about what the
// event's run did, once.
import { expect, it } from "vitest";
import { ask, bodies, eventually, query, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000209";
const starts = async () => (await vmRequests(phone)).filter((r) => r.kind === "start");
const sessionOf = async () => (await query<{ session_id: string | null }>(phone, "SELECT session_id FROM conversations WHERE name = 'main'"))[0]?.session_id ?? null;

it("forks the user's session for an event's run, keeps the user's, and tells the user's next run what it did", async () => {
  await ask(phone, "hello");
  const own = await sessionOf();
  expect(own).not.toBeNull();

  const event = { eventId: "github-fork-1", conversation: "main", prompt: "fix the failing check", origin: "GitHub: acme/api#7 CI failed", label: "acme/api#7 CI", repo: "acme/api", receivedAt: Date.now(), publicOrigin: "https://relay.example" };
  expect(await stubFor(phone).startEventRun(event)).toEqual({ outcome: "queued" });
  await eventually(async () => bodies(await sentTo(phone)).includes("[acme/api#7 CI] echo: fix the failing check"));
  await eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n === 0);
  const forked = (await starts())[1]!;
  expect(forked.sessionId).toBe(own);
  expect(forked.options).toMatchObject({ forkSession: true });
  // The fork's own session id was never the conversation's.
  expect(await sessionOf()).toBe(own);

  expect(await ask(phone, "what next?")).toBe("echo: (Meanwhile a run started by acme/api#7 CI did: echo: fix the failing check)\n\nwhat next?");
  const next = (await starts())[2]!;
  expect(next.sessionId).toBe(own);
  expect(next.options?.forkSession).toBeUndefined();
  // Told once: the run after it hears nothing more.
  await ask(phone, "and then?");
  expect((await starts())[3]!.messages![0]!.text).toBe("and then?");
  expect(await sessionOf()).toBe(own);
});

it("a lost session is restored from the user's own exchanges: an event's prompt and its run's reply stay out", async () => {
  const other = "+15550000210";
  await ask(other, "hello");
  const event = { eventId: "github-fork-2", conversation: "main", prompt: "a stranger's words", origin: "GitHub: acme/api#8 labelled agent", label: "acme/api#8 issue", repo: "acme/api", receivedAt: Date.now(), publicOrigin: "https://relay.example" };
  expect(await stubFor(other).startEventRun(event)).toEqual({ outcome: "queued" });
  await eventually(async () => bodies(await sentTo(other)).includes("[acme/api#8 issue] echo: a stranger's words"));
  await eventually(async () => (await query<{ n: number }>(other, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n === 0);
  await ask(other, "continue [[vm:unknown-session]]");
  // The first answer may be the notice of the lost session, sent before the fresh session's start: wait for that start.
  const RESTORED_END = "[End of the restored exchanges. The user's new message follows.]";
  const lastStart = async () => (await vmRequests(other)).filter((r) => r.kind === "start").at(-1)!.messages![0]!.text;
  await eventually(async () => (await lastStart()).includes(RESTORED_END));
  const [restored, rest] = (await lastStart()).split(RESTORED_END);
  expect(restored).toContain("User: hello\nYou: echo: hello\n");
  expect(restored).not.toContain("stranger's words");
  // What the user's session hears of the event's run is the one line, before the message.
  expect(rest).toBe("\n\n(Meanwhile a run started by acme/api#8 issue did: echo: a stranger's words)\n\ncontinue [[vm:unknown-session]]");
});
