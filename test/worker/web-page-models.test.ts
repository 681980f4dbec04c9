// The private page says this month's spend by model, in /cost's words, from what the VM reported
// for each answer (its costByModel): every conversation's runs summed per model, most spent first.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ask } from "./helpers";
import { TEST_ADMIN, TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000258";
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}/web/([A-Za-z0-9_-]{22})(?:\\s|$)`);
const page = async (reply: string) => {
  const token = LINK.exec(reply)?.[1];
  expect(token, reply).toBeTruthy();
  const response = await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}/web/${token}`));
  expect(response.status).toBe(200);
  return response.text();
};

it("shows this month's spend by model, as /cost says it, summed over runs and conversations, and over users on the operator's page", async () => {
  const line = "This month by model: claude-opus-4-5 $0.60, claude-sonnet-4-5 $0.25, claude-haiku-4-5 $0.02.";
  // No model's cost reported yet: the page says nothing by model.
  await ask(phone, "hello");
  expect(await page(await ask(phone, "/web"))).not.toContain("by model");

  await ask(phone, "plan it [[vm:model-cost claude-opus-4-5 0.5]] [[vm:model-cost claude-haiku-4-5 0.02]]");
  await ask(phone, "/new side");
  await ask(phone, "more [[vm:model-cost claude-sonnet-4-5 0.25]] [[vm:model-cost claude-opus-4-5 0.1]]");

  expect((await ask(phone, "/cost")).split("\n")).toContain(line);
  // One conversation's page: the whole month's split, said to be every conversation's (it is kept per model, not per conversation).
  const one = await page(await ask(phone, "/web"));
  expect(one).toContain(`<p class="spend-models">${line} (all your conversations)</p>`);
  const all = await page(await ask(phone, "/web all"));
  expect(all).toContain(`<p class="spend-models">${line}</p>`);
  // The operator's page: every user's, summed (only this one has spent in this file's storage).
  const dashboard = await page(await ask(TEST_ADMIN, "/dashboard"));
  expect(dashboard).toContain(`<p class="spend-models">Every user: ${line}</p>`);
});
