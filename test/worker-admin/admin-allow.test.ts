import { expect, it } from "vitest";
import { TEST_ACCOUNT_SID } from "../worker/test-env";
import { ask, bodies, eventually, postSigned, query, sendInbound, sentTo } from "../worker/helpers";
import { adminOf, configuredOf } from "./admin-env";

const admin = adminOf(2);
const newcomer = "+15550001925";

it("/allow lets a new number through the Worker's path: its messages are queued and answered, its status callbacks applied", async () => {
  await sendInbound(newcomer, "anyone there?");
  expect(await ask(admin, `/allow ${newcomer}`)).toBe(`Allowed ${newcomer}: they can write to the agent now.`);
  // What it sent before it was allowed was never stored: the Worker dropped it.
  expect(await ask(newcomer, "hello")).toBe("echo: hello");
  expect((await query<{ body: string }>(newcomer, "SELECT body FROM messages")).map((m) => m.body)).toEqual(["hello"]);

  // The status callback gate consults the directory too.
  const [reply] = await sentTo(newcomer);
  const res = await postSigned("/twilio/status", { MessageSid: reply!.sid, MessageStatus: "delivered", To: `whatsapp:${newcomer}`, AccountSid: TEST_ACCOUNT_SID });
  expect(res.status).toBe(204);
  await eventually(async () => (await query<{ status: string }>(newcomer, "SELECT status FROM outbox"))[0]?.status === "delivered");

  expect(await ask(admin, `/allow ${newcomer}`)).toBe(`${newcomer} is already on the allowlist; nothing changed.`);
  expect(await ask(admin, `/allow ${configuredOf(2)}`)).toBe(`${configuredOf(2)} is already allowed by ALLOWED_SENDERS (the operator's configuration); nothing changed.`);
  expect(await ask(admin, `/allow ${admin}`)).toBe(`${admin} is already allowed by ADMIN_SENDERS (the operator's configuration); nothing changed.`);
  expect(bodies(await sentTo(newcomer))).toEqual(["echo: hello"]);
});
