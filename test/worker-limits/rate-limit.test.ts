import { expect, it } from "vitest";
import { ask, bodies, eventually, query, sendInbound, sentTo } from "../worker/helpers";

const phone = "+15550000101";

it("past MAX_MESSAGES_PER_MINUTE (3 here) a message is refused, not stored, and said once; /status still answers", async () => {
  for (const text of ["one", "two", "three"]) await sendInbound(phone, text);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("three")));
  const before = (await sentTo(phone)).length;
  expect(await ask(phone, "four")).toBe(
    "You're sending more than 3 messages a minute, so I've set aside what came after that. Wait a minute, then send it again. (/stop and /status always work.)",
  );
  await sendInbound(phone, "five");
  expect(await ask(phone, "/status")).toMatch(/^The agent is /);
  // "five" was refused quietly: the only messages after "three" are the notice and /status's answer.
  expect((await sentTo(phone)).length).toBe(before + 2);
  expect((await query<{ body: string }>(phone, "SELECT body FROM messages ORDER BY seq")).map((m) => m.body)).toEqual(["one", "two", "three", "/status"]);
});
