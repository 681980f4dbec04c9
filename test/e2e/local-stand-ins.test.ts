// The local stack with npm start's Telegram and GitHub stand-ins: the Bot API stand-in holds the
// Worker's webhook with its secret and menu, the simulator offers the allowed Telegram users, the
// VM clones the sample repository from the GitHub stand-in with its token (the repository is
// private: nothing else could), and the stand-in's webhooks reach the Worker.
import { beforeAll, expect, it } from "vitest";
import { LOCAL_GITHUB } from "../../scripts/stack/github-plan";
import { useResources } from "../helpers/resources";
import { eventually, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";

const [ALICE] = PHONES;
let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("stand-ins", resources, { standIns: true });
});

it("registers the Worker's Telegram webhook with the stand-in, and the simulator offers the allowed users", async () => {
  const bot = (await (await fetch(`${stack.urls.telegram}/__telegram/bot`)).json()) as { webhook: { url: string; secretToken: string }; commands: unknown[] };
  expect(bot.webhook).toMatchObject({ url: `${stack.urls.worker}/telegram/webhook`, secretToken: stack.standIns.telegram!.webhookSecret });
  expect(bot.commands.length).toBeGreaterThan(0);
  expect(await (await fetch(`${stack.urls.twilio}/__simulator/telegram`)).json()).toEqual({ enabled: true, users: [{ id: "5550001", name: "Alice" }, { id: "5550002", name: "Bob" }] });
});

it("clones the GitHub stand-in's private sample into a conversation, through the VM's token", async () => {
  const repo = `${stack.urls.github}/${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo}.git`;
  const inbound = await fetch(`${stack.urls.twilio}/__emulator/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: ALICE, body: `/new sample ${repo}` }) });
  expect(await inbound.json()).toMatchObject({ status: 200 });
  const cloned = await eventually("the clone's reply", async () => (await sentTo(stack.urls.twilio, ALICE)).find((m) => m.body?.startsWith("Cloned sample")));
  expect(cloned.body).toMatch(/^Cloned sample \(main, 4 files\)/);
  // Without a token the stand-in refuses the private repository, as GitHub does.
  expect((await fetch(`${repo}/info/refs?service=git-upload-pack`)).status).toBe(401);
});

it("delivers the GitHub stand-in's signed webhooks to the Worker's route", async () => {
  const hook = await fetch(`${stack.urls.github}/__github/repos/acme/sample/hooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${stack.urls.worker}/github/webhook`, secret: "not-the-relays-secret" }),
  });
  expect(hook.status).toBe(201);
  const { deliveries } = (await hook.json()) as { deliveries: Array<{ event: string; statusCode: number | null; error: string | null }> };
  // The Worker answered (which answer is the webhook route's to decide), and never with a 5xx.
  expect(deliveries).toMatchObject([{ event: "ping", error: null }]);
  expect(deliveries[0]!.statusCode).toBeLessThan(500);
});
