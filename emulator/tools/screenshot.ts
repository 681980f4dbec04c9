// Regenerates docs/simulator.png: a scripted conversation through the real emulator, shown in headless Chromium.
// Run: npx tsx emulator/tools/screenshot.ts [output.png]
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startTwilioEmulator } from "../server";
import { launchChromium } from "./chromium";

const ACCOUNT_SID = `AC${"0".repeat(32)}`;
const AUTH_TOKEN = "screenshot";
const ALICE = "+15551230001";
const output = process.argv[2] ?? "docs/simulator.png";

// A relay stand-in that accepts every webhook, as the real one does once the message is queued.
const relay = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "text/xml" }).end("<Response/>"));
});
await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;

const emulator = await startTwilioEmulator({
  port: 0,
  accountSid: ACCOUNT_SID,
  authToken: AUTH_TOKEN,
  inboundWebhookUrl: `${relayUrl}/twilio/inbound`,
  statusDelayMs: 30,
  users: [
    { phone: ALICE, name: "Alice" },
    { phone: "+15551230002", name: "Bob" },
  ],
});
const auth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function userSays(body: string): Promise<string> {
  const response = await fetch(`${emulator.url}/__emulator/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: ALICE, body }),
  });
  return ((await response.json()) as { sid: string }).sid;
}

async function twilio(path: string, form: Record<string, string>): Promise<void> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}

const typing = (messageId: string) => twilio("/v2/Indicators/Typing.json", { messageId, channel: "whatsapp" });
const reply = (Body: string) =>
  twilio(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, { To: `whatsapp:${ALICE}`, From: "whatsapp:+14155238886", Body });

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 880 } });
  await page.goto(`${emulator.url}/?phone=${encodeURIComponent(ALICE)}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();

  const first = await userSays("The build is red on main. Can you run the tests and fix what fails?");
  await typing(first);
  await reply("On it. Running `npm test` now.");
  const second = await userSays("also, when did we last deploy?");
  await reply("Got it, I'll process this next.");
  await typing(second);
  await reply(
    "*Tests:* 48 passed, 2 failed. Both failures were in `chunk-reply.test.ts`: the splitter cut a reply inside a code fence. Fixed:\n" +
      "```\nif (insideFence(part)) {\n  part = closeFence(part);\n  next = reopenFence(next);\n}\n```\n" +
      "All *50 tests pass* now. I pushed `fix/chunker-fences` and opened a PR.",
  );
  await reply("_Deploy:_ the last `wrangler deploy` ran today at 09:12, ~no warnings~ one warning about compatibility flags.");
  const third = await userSays("Great, thanks! Merge it once CI is green");
  await typing(third);
  await pause(600);
  await page.getByTestId("typing").waitFor();
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await emulator.close();
  relay.close();
}
