import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { bodies, eventually, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000112";
const sessionOf = () =>
  runInDurableObject(stubFor(phone), (_a, state) =>
    state.storage.sql.exec<{ value: string | null }>("SELECT session_id AS value FROM conversations WHERE id = 1").toArray()[0]?.value,
  );

it("a lost session: retried once on a fresh one that starts from the chat's last exchanges, and the user is told", async () => {
  await sendInbound(phone, "hello");
  await eventually(async () => (await sentTo(phone)).length === 1);
  const oldSession = await sessionOf();

  await sendInbound(phone, "continue [[vm:unknown-session]]");
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return all.length === 3 && all;
  });
  expect(bodies(sent)[1]).toBe("I couldn't find your earlier session on the agent, so I started a fresh one and gave it the last 2 exchanges of this chat to carry on from.");
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts.map((s) => s.sessionId)).toEqual([null, oldSession, null]);
  // The fresh run's first input carries what was said before, then the message itself.
  const seeded = starts[2]!.messages![0]!.text;
  expect(seeded.split("\n")).toEqual([
    "[Your earlier session of this conversation was lost. Here are its last exchanges from the WhatsApp chat, oldest first, so you can carry on:]",
    "User: hello",
    "You: echo: hello",
    "[End of the restored exchanges. The user's new message follows.]",
    "",
    "continue [[vm:unknown-session]]",
  ]);
  // The first attempt, on the lost session, carried the message alone.
  expect(starts[1]!.messages![0]!.text).toBe("continue [[vm:unknown-session]]");
  const newSession = await sessionOf();
  expect(newSession).toMatch(/^session-/);
  expect(newSession).not.toBe(oldSession);
});
