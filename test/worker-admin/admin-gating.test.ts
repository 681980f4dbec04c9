import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { directoryOf } from "../../src/directory/user-directory";
import { ask, bodies, query, sendInbound, sentTo } from "../worker/helpers";
import { configuredOf } from "./admin-env";

const user = configuredOf(1); // allowed by ALLOWED_SENDERS, not an admin
const stranger = "+15550001915";

it("anyone but an admin gets Permission denied, for every admin command and any argument, and nothing changes", async () => {
  for (const [text, word] of [
    ["/users", "users"],
    [`/allow ${stranger}`, "allow"],
    [`/deny ${user}`, "deny"],
    [`/budget ${user} 0`, "budget"],
    ["/allow not-a-number", "allow"],
    ["/BUDGET -5", "budget"],
  ] as const) {
    expect(await ask(user, text)).toBe(`Permission denied: /${word} is for admins only.`);
  }
  expect(await directoryOf(env).list()).not.toContainEqual(expect.objectContaining({ phone: stranger }));
  expect(await query(user, "SELECT key FROM settings WHERE key IN ('daily_budget_usd', 'access_revoked')")).toEqual([]);
  // The stranger is still refused in the Worker's path: nothing stored, nothing sent.
  const { res } = await sendInbound(stranger, "hello?");
  expect(res.status).toBe(200);
  expect(bodies(await sentTo(stranger))).toEqual([]);
  // The user was not denied: they still get answers.
  expect(await ask(user, "still here")).toBe("echo: still here");
});
