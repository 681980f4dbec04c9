// A subscription's usage limit, end to end with the real Claude Code CLI: wrangler dev, the VM
// holding an OAuth token, the emulator, and the offline model refusing as Anthropic does past a
// plan's limit ([[limit S]]). The user is told once, naming the reset in their own time; nothing
// asks the model again before it; at the reset the relay's alarm sends the message again by
// itself, and the user gets the answer with no message of theirs.
import { beforeAll, expect, it } from "vitest";
import { useResources } from "../helpers/resources";
import { eventually, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { postInbound } from "./helpers/signed-inbound";

const PHONE = PHONES[5];
let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("model-limit", resources, { subscription: true });
});

const send = async (text: string) => expect((await postInbound(stack, PHONE, text)).status).toBe(200);
const bodies = async () => (await sentTo(stack.urls.twilio, PHONE)).map((m) => m.body ?? "");

it("pauses at the model's limit, says until when in the user's zone, and goes on by itself at the reset", async () => {
  await send("/tz America/New_York");
  await eventually("the /tz answer", async () => ((await bodies()).length === 1 ? true : undefined));

  await send("summarise the open issues [[limit 20]]");
  const paused = await eventually("the pause notice", async () => (await bodies()).find((b) => b.startsWith("⏸️")));
  expect(paused).toMatch(/^⏸️ The model refused: you've reached its 5-hour limit\. I'm keeping your message “summarise the open issues” and will go on by myself at \d\d:\d\d \(America\/New_York\), when it resets/);
  // The CLI's own words for the limit never reach the user as an answer.
  expect((await bodies()).some((b) => b.includes("You've hit your"))).toBe(false);

  const answer = await eventually("the answer after the reset", async () => (await bodies()).find((b) => b.startsWith("[offline model]")), 120_000);
  expect(answer).toContain("summarise the open issues");
  const all = await bodies();
  expect(all.filter((b) => b.startsWith("⏸️"))).toHaveLength(1);
  expect(all.filter((b) => b.startsWith("▶️"))).toEqual(["▶️ The model answers again: going on with your message “summarise the open issues”."]);
  expect(all.indexOf(all.find((b) => b.startsWith("▶️"))!)).toBeLessThan(all.indexOf(answer));
});
