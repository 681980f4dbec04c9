// Every example of the README's Quick start, exactly as written there, sent through one local
// stack (wrangler dev, the VM with the real Claude Code CLI on the offline model, the Twilio,
// GitHub and Telegram stand-ins): a command run after the user's "yes", a file shown, a standup
// scheduled in plain words that /schedules then lists (and the same request again refused with
// the task's number), a photo sent back, and a change to the sample repository shipped.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { LOCAL_GITHUB } from "../../scripts/stack/github-plan";
import { useResources } from "../helpers/resources";
import { STAND_IN_PNG } from "../stand-ins/vm-stand-in-types";
import { eventually } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { REPO_ROOT } from "./helpers/fresh-clone";

const PHONE = PHONES[4];
const README_QUICK_START = /## Quick start\n([\s\S]*?)\n## /.exec(readFileSync(join(REPO_ROOT, "README.md"), "utf8"))?.[1] ?? "";
/** The Quick start's examples, as a user types them (the sample's URL on the default port). */
const EXAMPLES = {
  run: "please run a command that writes hello to notes.txt",
  show: "show notes.txt",
  schedule: "text me a standup every weekday at 9am",
  schedules: "/schedules",
  photoCaption: "send it back",
  sample: "/new sample http://127.0.0.1:8792/acme/sample.git",
  change: "in src/add.js replace a + b with Number(a) + Number(b)",
  ship: "/ship",
};

let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("offline-quick-start", resources, { standIns: true });
});

const MessagesSchema = z.object({
  messages: z.array(
    z.object({ sid: z.string(), body: z.string().nullable(), media: z.array(z.object({ contentType: z.string() })), buttons: z.array(z.object({ title: z.string(), id: z.string() })) }),
  ),
});
type Sent = z.infer<typeof MessagesSchema>["messages"][number];

async function sent(): Promise<Sent[]> {
  const response = await fetch(`${stack.urls.twilio}/__emulator/messages?to=${encodeURIComponent(`whatsapp:${PHONE}`)}`);
  return MessagesSchema.parse(await response.json()).messages;
}

/** The user writes (with a file, as the simulator attaches one), through the emulator, which signs the form as Twilio does. */
async function send(body: string, media: Array<{ contentType: string; base64: string; filename: string }> = []): Promise<void> {
  const response = await fetch(`${stack.urls.twilio}/__emulator/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: PHONE, body, media }) });
  expect(await response.json()).toMatchObject({ status: 200 });
}

async function tap(message: Sent, title: string): Promise<void> {
  const button = message.buttons.find((b) => b.title === title);
  expect(button, `a "${title}" button under ${JSON.stringify(message.body)}`).toBeDefined();
  const response = await fetch(`${stack.urls.twilio}/__emulator/tap`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messageSid: message.sid, payload: button!.id }) });
  expect(await response.json()).toMatchObject({ status: 200 });
}

let seen = 0;
/** The next message after those already seen that matches; every one before it is seen too. */
async function next(what: string, match: (body: string, message: Sent) => boolean): Promise<Sent> {
  const found = await eventually(what, async () => {
    const all = await sent();
    const index = all.findIndex((m, i) => i >= seen && match(m.body ?? "", m));
    return index >= 0 ? { message: all[index]!, index } : undefined;
  }, 150_000).catch(async (error: unknown) => {
    throw new Error(`${String(error)}; sent since: ${JSON.stringify((await sent()).slice(seen).map((m) => m.body))}`);
  });
  seen = found.index + 1;
  return found.message;
}

describe("the README's Quick start, offline", { timeout: 600_000 }, () => {
  it("has these examples, word for word", () => {
    for (const example of Object.values(EXAMPLES)) expect(README_QUICK_START, example).toContain(`\`${example}\``);
  });

  it("runs a command (after the user's yes, if the approval mode asks), then shows the file it wrote", async () => {
    await send(EXAMPLES.run);
    const ran = (b: string) => b.startsWith("[offline model] I ran `echo hello > notes.txt`");
    // Whether `edits` asks before this command is the approval mode's decision: answered "yes" when it does.
    const first = await next("the approval prompt for the command, or the run's final text", (b) => ran(b) || (b.startsWith("🔐") && b.includes("echo hello > notes.txt")));
    if (!ran(first.body ?? "")) {
      await send("yes");
      await next("the run's final text", ran);
    }
    await send(EXAMPLES.show);
    const shown = await next("the file", (b) => b.startsWith("[offline model] notes.txt"));
    expect(shown.body).toBe("[offline model] notes.txt says: hello");
  });

  it("schedules a standup said in plain words through the relay's tool, which /schedules lists; the same request again is refused with its number", async () => {
    await send(EXAMPLES.schedule);
    const done = await next("the schedule's answer", (b) => b.startsWith("[offline model] Task #1 scheduled"));
    expect(done.body).toMatch(/^\[offline model\] Task #1 scheduled: weekdays 09:00 \(cron 0 9 \* \* 1-5\)/);
    await send(EXAMPLES.schedules);
    const listed = await next("/schedules", (b) => b.startsWith("Your tasks"));
    expect(listed.body).toMatch(/#1 \[main\] weekdays 09:00 .*\n {3}text me a standup/);
    await send(EXAMPLES.schedule);
    const again = await next("the second schedule's answer", (b) => b.startsWith("[offline model] That did not work:"));
    expect(again.body).toContain("Task #1 already does this");
  });

  it("sends a photo back", async () => {
    await send(EXAMPLES.photoCaption, [{ contentType: "image/png", base64: Buffer.from(STAND_IN_PNG).toString("base64"), filename: "photo.png" }]);
    const back = await next("the photo, back", (_b, m) => m.media.length > 0);
    expect(back.media.map((f) => f.contentType)).toEqual(["image/png"]);
    await next("the final text", (b) => b.startsWith("[offline model] I sent you inbox/"));
  });

  it("changes the sample repository, and ships the change", async () => {
    const repo = `${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo}`;
    await send(EXAMPLES.sample.replace("http://127.0.0.1:8792", stack.urls.github));
    await next("the clone's reply", (b) => b.startsWith("Cloned sample"));
    await send(EXAMPLES.change);
    await next("the change", (b) => b === "[offline model] I changed “a + b” to “Number(a) + Number(b)” in src/add.js.");
    await send(EXAMPLES.ship);
    const question = await next("/ship's question", (b) => /^(Pull request #\d+ was .*)?Push /.test(b) || b.startsWith("Not shipped"));
    expect(question.body).toMatch(new RegExp(`^Push 1 file, \\+1 −1, to \`agent/sample\` on ${repo} and open a pull request\\?$`));
    await tap(question, "Ship");
    const shipped = await next("the shipped reply", (b) => b.startsWith("🚀") || b.startsWith("Not shipped") || b.startsWith("⚠️"));
    expect(shipped.body).toMatch(/^🚀 Opened pull request #1 /);
  });
});
