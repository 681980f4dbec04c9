import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { directoryOf } from "../../src/directory/user-directory";
import { ask, query } from "../worker/helpers";
import { adminOf, configuredOf } from "./admin-env";

const admin = adminOf(6);
const user = configuredOf(6);
const E164 = "is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567).";

it.each([
  ["/allow", "Usage: /allow +15551234567 (the number in E.164: + then country code and number), or /allow 123456789 (a Telegram user id)."],
  // Digits without a + are a Telegram user id now (test/worker-telegram/allow.test.ts); too many are neither.
  ["/allow 15550001965123456789", `“15550001965123456789” ${E164}`],
  ["/allow +1 555 000 1965", `“+1” ${E164}`],
  ["/deny 🙂", `“🙂” ${E164}`],
  ["/deny مرحبا", `“مرحبا” ${E164}`],
  ["/allow \u200f+15550001965", "“+15550001965” has invisible characters in it (pasted from a contact?): type it as + and digits."],
  [`/allow +15550001965${"5".repeat(500)}`, "Usage: /allow +15551234567 (the number in E.164: + then country code and number), or /allow 123456789 (a Telegram user id)."],
  [`/budget ${user} -1`, "A budget can't be negative; 0 stops all new runs."],
  [`/budget ${user} lots`, "“lots” is not an amount in dollars, e.g. 25 or 7.50."],
  [`/budget ${user} NaN`, "“NaN” is not an amount in dollars, e.g. 25 or 7.50."],
  [`/budget ${user} 20000`, "$20000 a day is over the $10,000 I accept: is it a typo? Nothing changed."],
  [`/budget ${user} 💰`, "“💰” is not an amount in dollars, e.g. 25 or 7.50."],
  [`/budget ${user}`, "Usage: /budget +15551234567 <dollars a day>, e.g. /budget +15551234567 25, or /budget +15551234567 default."],
  ["/users please", "/users takes no arguments."],
])("an admin's %j gets one line and changes nothing", async (text, reason) => {
  expect(await ask(admin, text)).toBe(reason);
  expect(await directoryOf(env).list()).toEqual([]);
  expect(await query(user, "SELECT key FROM settings WHERE key = 'daily_budget_usd'")).toEqual([]);
});
