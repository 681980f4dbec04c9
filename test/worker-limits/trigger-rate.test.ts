// A trigger's firings count against the user's own rate limit (MAX_MESSAGES_PER_MINUTE, 3 here)
// like messages: past it the caller gets 429, nothing is stored, and the user is told once.
import { expect, it } from "vitest";
import { bodies, eventually, query, sentTo } from "../worker/helpers";
import { addTrigger, fire } from "../worker/trigger-helpers";

const phone = "+15550000111";

it("refuses a firing past the user's rate limit with 429 and stores nothing", async () => {
  const made = await addTrigger(phone, "flood", "count this");
  const answers: number[] = [];
  for (let i = 0; i < 4; i++) answers.push((await fire(made.url, { token: made.token, key: `k${i}` })).status);
  // The /trigger add itself was one of the minute's 3 messages.
  expect(answers).toEqual([202, 202, 429, 429]);
  const over = await fire(made.url, { token: made.token, key: "k9" });
  expect(over.status).toBe(429);
  expect(over.headers.get("retry-after")).toBe("60");
  expect((await query(phone, "SELECT id FROM messages WHERE id LIKE 'trigger-%'")).length).toBe(2);
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("You're sending more than 3 messages a minute")));
});
