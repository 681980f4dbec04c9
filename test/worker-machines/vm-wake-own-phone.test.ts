// In machines mode each Machine holds a VM_TOKEN derived for its phone (fly-identity.ts): its wake
// opens its own object only. Another Machine's token, and the relay's own, get a 403.
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { machineVmToken } from "../../src/machines/fly-identity";
import { WAKE_PATH, WAKE_SIGNATURE_HEADER, type Wake, wakeSignature } from "../../src/protocol/vm/wake";

const post = async (wake: Wake, token: string) =>
  exports.default.fetch(
    new Request(`https://relay.test${WAKE_PATH}`, { method: "POST", headers: { "content-type": "application/json", [WAKE_SIGNATURE_HEADER]: await wakeSignature(token, wake) }, body: JSON.stringify(wake) }),
  );

const wake = (phone: string): Wake => ({ phone, vmRunIds: [], reason: "restarted", at: Date.now() });

it("a Machine's own token wakes its phone's object (nothing waits: woken 0)", async () => {
  const phone = "+15550000168";
  const answer = await post(wake(phone), await machineVmToken(env.VM_TOKEN!, phone));
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ ok: true, woken: 0 });
});

it.each([
  ["another Machine's token", async () => machineVmToken(env.VM_TOKEN!, "+15550000167")],
  ["the relay's own VM_TOKEN", async () => env.VM_TOKEN!],
])("%s: 403", async (_name, token) => {
  const answer = await post(wake("+15550000168"), await token());
  expect(answer.status).toBe(403);
});
