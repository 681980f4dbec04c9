// The phone simulator in headless Chromium against the real stack: wrangler dev, the VM running
// the real Claude Code CLI on the offline model, and the Twilio emulator. One stack for the file;
// each test talks from its own phone so they cannot see each other's replies.
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, it, onTestFinished } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { useResources } from "../helpers/resources";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { longText } from "../stand-ins/anthropic-conversation";
import { sampleVoiceNote } from "../stand-ins/offline-transcript";
import { STAND_IN_PNG } from "../stand-ins/vm-stand-in-types";
import { ACK, eventually, replyTo, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { openPhone, replies, screenshot, type, waitForReplies } from "./helpers/simulator-page";

const [ALICE, BOB, CAROL, DAVE, ERIN, FRANK] = PHONES;
let stack: E2eStack;
let browser: Browser;

const resources = useResources();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack("simulator", resources), resources.track(launchChromium(), (b) => b.close())]);
});

async function phone(number: string): Promise<Page> {
  const page = await openPhone(browser, stack.urls.twilio, number);
  onTestFinished(() => page.close());
  return page;
}

it("answers a message typed in the simulator", async () => {
  const page = await phone(ALICE);
  await type(page, "Hello! Is the relay working?");
  const [reply] = await waitForReplies(page, 1);
  expect(reply).toContain(replyTo("Hello! Is the relay working?"));
  await screenshot(page, "simulator-reply");
});

it("acknowledges a message sent while the first one runs, then answers both in order", async () => {
  const page = await phone(CAROL);
  await type(page, "[[slow 6000]] first: run the tests");
  // The typing bubble shows once the relay streams the run from the VM.
  await page.getByTestId("typing").waitFor({ timeout: 90_000 });
  // The relay's typing indicator also marked the user's message read (a run this slow always gets one).
  await page.locator("[data-testid=message][data-direction=in][data-status=read]").first().waitFor();
  await type(page, "second: and bump the version");
  const shown = await waitForReplies(page, 3);
  expect(shown).toHaveLength(3);
  expect(shown[0]).toBe(ACK);
  expect(shown[1]).toContain(replyTo("[[slow 6000]] first: run the tests"));
  expect(shown[2]).toContain(replyTo("second: and bump the version"));
  await screenshot(page, "simulator-ack");
});

it("delivers a long reply in parts of at most 1600 characters, in order, nothing lost", async () => {
  const page = await phone(DAVE);
  await type(page, "[[long 4000]] explain everything");
  const parts = await eventually("the long reply's last paragraph", async () => {
    const sent = await sentTo(stack.urls.twilio, DAVE);
    return sent.length >= 3 && sent.at(-1)?.body?.includes("Paragraph") ? sent : undefined;
  });
  const bodies = parts.map((m) => m.body ?? "");
  for (const body of bodies) expect(body.length).toBeLessThanOrEqual(1600);
  expect(bodies[0]).toMatch(/^\[offline model\] A long answer follows/);
  // Every paragraph of the model's answer arrives exactly once, in order, across the parts.
  const paragraphs = (text: string) => [...text.matchAll(/Paragraph (\d+)\./g)].map((m) => Number(m[1]));
  expect(paragraphs(bodies.join("\n"))).toEqual(paragraphs(longText(4000)));
  // The page shows the same parts as separate bubbles, in the same order.
  const shown = await waitForReplies(page, bodies.length);
  expect(shown.map((text) => paragraphs(text))).toEqual(bodies.map((body) => paragraphs(body)));
  await screenshot(page, "simulator-long");
});

it("keeps two users apart: each page shows only its own conversation", async () => {
  const [alice, bob] = [await phone(ALICE), await phone(BOB)];
  await type(bob, "Bob here, what's up?");
  await type(alice, "Alice again");
  await eventually("Bob's reply", async () => ((await replies(bob)).some((r) => r.includes(replyTo("Bob here, what's up?"))) ? true : undefined));
  await eventually("Alice's reply", async () => ((await replies(alice)).some((r) => r.includes(replyTo("Alice again"))) ? true : undefined));
  const aliceText = (await alice.getByTestId("conversation").textContent()) ?? "";
  const bobText = (await bob.getByTestId("conversation").textContent()) ?? "";
  expect(aliceText).not.toContain("Bob here");
  expect(bobText).not.toContain("Alice again");
  expect(bobText).not.toContain("Is the relay working");
  // Separate agent sessions too: Bob's session has one user message, Alice's two.
  expect(bobText).toContain("This conversation has 1 user message.");
  expect(aliceText).toContain("This conversation has 2 user messages");
  await screenshot(bob, "simulator-two-users-bob");
  await screenshot(alice, "simulator-two-users-alice");
});

it("two projects from the phone: each conversation keeps its own session, and a reply from one not current says its name", async () => {
  const page = await phone(ERIN);
  await type(page, "/new api");
  expect((await waitForReplies(page, 1))[0]).toBe("New conversation api, with an empty project. It is current now; /sessions lists them all.");
  await type(page, "[[count]] first message to api");
  expect((await waitForReplies(page, 2))[1]).toContain("count: this conversation has seen 1 user message.");
  await type(page, "/switch main");
  expect((await waitForReplies(page, 3))[2]).toBe("Switched to main. Plain messages go there now.");
  await type(page, "hello main");
  const inMain = (await waitForReplies(page, 4))[3]!;
  expect(inMain).toContain(replyTo("hello main"));
  // main is current: its answer is the agent's as it came, with no conversation name before it.
  expect(inMain.startsWith("[offline model]")).toBe(true);
  // One message to api without switching: answered from api's own session, and named.
  await type(page, "@api [[count]] and again");
  const fromApi = (await waitForReplies(page, 5))[4]!;
  expect(fromApi.startsWith("[api] [offline model]")).toBe(true);
  expect(fromApi).toContain("count: this conversation has seen 2 user messages.");
  await type(page, "/sessions");
  const list = (await waitForReplies(page, 6))[5]!;
  expect(list).toMatch(/1\. main ← current/);
  expect(list).toMatch(/2\. api · 2 turns/);
  await screenshot(page, "simulator-projects");
});

it("asks before the agent runs a command: the prompt shows buttons, a tap allows it, and the reply arrives", async () => {
  const page = await phone(FRANK);
  // A new conversation's mode is APPROVALS_DEFAULT (edits): a shell command is asked about.
  // (The CLI lets read-only commands such as echo go without asking, so this one runs a program.)
  await type(page, '[[tool Bash {"command":"node -e \\"console.log(40 + 2)\\""}]] print it');
  const prompt = page.locator("[data-testid=message][data-direction=out]").filter({ hasText: "🔐 Approval" });
  await prompt.waitFor({ timeout: 90_000 });
  expect(await prompt.getByTestId("message-body").textContent()).toContain('node -e "console.log(40 + 2)"');
  // node runs whatever follows it: "always" is not offered for it (src/protocol/always-rules.ts).
  expect(await prompt.getByTestId("message-body").textContent()).toContain('"always" is not offered: node runs whatever follows it');
  const buttons = prompt.getByTestId("quick-reply");
  expect(await buttons.allTextContents()).toEqual(["Yes", "No"]);
  await screenshot(page, "simulator-approval");
  await buttons.filter({ hasText: "Yes" }).click();
  // The relay's one-line acknowledgement, then the agent's answer with what the command printed.
  const answer = page.locator("[data-testid=message][data-direction=out]").filter({ hasText: "The Bash tool answered: 42" });
  await answer.waitFor({ timeout: 90_000 });
  const shown = await replies(page);
  expect(shown.some((text) => text.startsWith('✅ Allowed: Run a command: node -e "console.log(40 + 2)"'))).toBe(true);
  await screenshot(page, "simulator-approval-answered");
});

/** Attaches a file from disk in the simulator (the page's file picker) and sends it with `caption`. */
async function attach(page: Page, name: string, bytes: Uint8Array, caption: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "e2e-attach-"));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  await writeFile(path, bytes);
  await page.getByTestId("file-input").setInputFiles(path);
  await page.getByTestId("pending-attachment").filter({ hasText: name }).waitFor();
  if (caption) await page.getByTestId("composer").fill(caption);
  await page.getByTestId("send").click();
  await page.getByTestId("pending-attachment").waitFor({ state: "hidden" });
}

const outBubbles = (page: Page) => page.locator("[data-testid=message][data-direction=out]");

it("a picture attached in the simulator reaches the agent as a file in its project, and the reply names it", async () => {
  const page = await phone(BOB);
  await attach(page, "screen.png", STAND_IN_PNG, "what is on this screenshot?");
  const reply = outBubbles(page).filter({ hasText: "inbox/" }).last();
  await reply.waitFor({ timeout: 90_000 });
  expect(await reply.getByTestId("message-body").textContent()).toMatch(/The user sent an image: inbox\/\d{4}-\d{2}-\d{2}-[0-9a-f]+\.png \(image\/png, \d+ bytes\).*what is on this screenshot\?/s);
  await screenshot(page, "simulator-attachment");
});

it("a voice note is heard by the local transcriber: the echo, then the agent's answer to what was said", async () => {
  const page = await phone(DAVE);
  await attach(page, "note.ogg", sampleVoiceNote("run the tests please", 4), "");
  const echo = outBubbles(page).filter({ hasText: "🎙️ Heard" });
  await echo.waitFor({ timeout: 90_000 });
  expect(await echo.getByTestId("message-body").textContent()).toBe("🎙️ Heard: “run the tests please” (/voice echo off stops these)");
  const answer = outBubbles(page).filter({ hasText: "(voice note, 0:04) run the tests please" }).filter({ hasText: "[offline model]" });
  await answer.waitFor({ timeout: 90_000 });
  await screenshot(page, "simulator-voice-note");
});

it("the agent sends an image back with its send_file tool, and the simulator shows it", async () => {
  const page = await phone(BOB);
  await attach(page, "diagram.png", STAND_IN_PNG, "[[send-attachments]] send it back to me");
  const image = outBubbles(page).filter({ has: page.getByTestId("media-image") }).last();
  await image.waitFor({ timeout: 90_000 });
  await expect.poll(() => image.getByTestId("media-image").evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 }).toBe(1);
  expect(await image.getByTestId("message-body").textContent()).toBe("here it is back");
  await screenshot(page, "simulator-file-back");
});
