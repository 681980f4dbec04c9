// A follow-up sent the moment a reply arrives, or a little after, falls at a run's end: the
// whole stack (wrangler dev, the VM with the real Claude Code CLI on the offline model, the
// emulator) with approvals on. Each follow-up's command is asked once and answered once; a
// send_file in a follow-up sends the file; /undo sent on a reply is asked, not refused.
import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { useResources } from "../helpers/resources";
import { eventually, sentTo, type SentMessage } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { postInbound } from "./helpers/signed-inbound";

const PHONE = PHONES[4];
let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("follow-up-at-end", resources);
});

const send = async (text: string) => expect((await postInbound(stack, PHONE, text)).status).toBe(200);
const sent = () => sentTo(stack.urls.twilio, PHONE);
const bash = (command: string, words: string) => `[[tool Bash ${JSON.stringify({ command })}]] ${words}`;
/** Polled often: a follow-up is meant to go the moment the reply is there. */
const FAST_POLL_MS = 20;

/** Waits for the first message after the `seen` first ones that matches; returns it and its index. */
async function next(what: string, seen: number, match: (body: string) => boolean): Promise<{ body: string; index: number }> {
  try {
    return await eventually(
      what,
      async () => {
        const all = await sent();
        const index = all.findIndex((m, i) => i >= seen && match(m.body ?? ""));
        return index >= 0 ? { body: all[index]?.body ?? "", index } : undefined;
      },
      120_000,
      FAST_POLL_MS,
    );
  } catch (error) {
    // What the phone got since, so a failure says what came instead.
    const since = (await sent()).slice(seen).map((m) => m.body);
    throw new Error(`${String(error)}; sent since: ${JSON.stringify(since)}`);
  }
}

const isPromptFor = (command: string) => (body: string) => body.startsWith("🔐 Approval") && body.includes(command);
const isAnswerOf = (output: string) => (body: string) => body.includes("The Bash tool answered") && body.includes(output);

/** Asks with approvals on, says yes, and waits for the answer: the index just past it. */
async function askedAndAnswered(command: string, output: string, words: string, seen: number): Promise<number> {
  await send(bash(command, words));
  const prompt = await next(`the approval of ${command}`, seen, isPromptFor(command));
  await send("yes");
  const answer = await next(`the answer of ${command}`, prompt.index + 1, isAnswerOf(output));
  return answer.index + 1;
}

const WithMediaSchema = z.object({ messages: z.array(z.object({ body: z.string().nullable(), media: z.array(z.object({ contentType: z.string() })) })) });
/** What the phone got, with the media of each message (the emulator's record). */
async function withMedia() {
  const response = await fetch(`${stack.urls.twilio}/__emulator/messages?to=${encodeURIComponent(`whatsapp:${PHONE}`)}`);
  return WithMediaSchema.parse(await response.json()).messages;
}

const count = (all: SentMessage[], match: (body: string) => boolean) => all.filter((m) => match(m.body ?? "")).length;

it("asks and answers once a follow-up with a command sent at the reply and 100 to 500 ms after it", async () => {
  await send("/approvals on");
  let seen = (await next("the approvals answer", 0, (b) => /approv/i.test(b))).index + 1;
  // Commands that write a file: with approvals on, only read-only ones go unasked.
  const writing = (word: string) => `echo ${word} | tee ${word}.txt`;
  for (const delayMs of [0, 100, 250, 500]) {
    seen = await askedAndAnswered(writing(`first-${delayMs}`), `first-${delayMs}`, `first ${delayMs}`, seen);
    // The user answers quickly: the delay is theirs, not a wait for the relay.
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    seen = await askedAndAnswered(writing(`follow-${delayMs}`), `follow-${delayMs}`, `follow ${delayMs}`, seen);
  }
  const all = await sent();
  for (const delayMs of [0, 100, 250, 500]) {
    expect(count(all, isPromptFor(writing(`follow-${delayMs}`))), `prompts of follow-${delayMs}`).toBe(1);
    expect(count(all, isAnswerOf(`follow-${delayMs}`)), `answers of follow-${delayMs}`).toBe(1);
  }
  const bodies = all.map((m) => m.body ?? "");
  // Nothing was refused for lack of a run, and no message was carried over with the relay's note.
  expect(bodies.filter((b) => /not approved|No run is active|can't sign in|⚠️/.test(b))).toEqual([]);
});

it("sends the file a follow-up asks for, and asks /undo sent on a reply instead of refusing it", async () => {
  let seen = (await sent()).length;
  // A small PDF: WhatsApp takes no plain-text files.
  const pdf = "printf '%%PDF-1.4\\n1 0 obj<<>>endobj\\ntrailer<<>>\\n%%%%EOF\\n' > report.pdf && echo made-report";
  seen = await askedAndAnswered(pdf, "made-report", "write the report", seen);
  // At once: send_file in the follow-up. With approvals on the relay tool may be asked too.
  await send('[[tool send_file {"path":"report.pdf","caption":"the report"}]] send it');
  const outcome = await next("send_file's answer or its approval", seen, (b) => b.includes("send_file tool") || (b.startsWith("🔐 Approval") && b.includes("send_file")));
  if (outcome.body.startsWith("🔐 Approval")) await send("yes");
  const answered = await next("send_file's answer", seen, (b) => b.includes("send_file tool"));
  expect(answered.body).toMatch(/The \S*send_file tool answered/);
  const media = (await withMedia()).filter((m) => m.media.length > 0);
  expect(media.map((m) => m.body)).toEqual(["the report"]);

  // A run that changed a file, then /undo the moment its reply is there.
  seen = (await sent()).length;
  seen = await askedAndAnswered("echo two >> notes.txt && echo appended", "appended", "append", seen);
  await send("/undo");
  const undo = await next("the answer to /undo", seen, (b) => b.startsWith("Undo ") || b.startsWith("Not now"));
  expect(undo.body).toMatch(/^Undo .*notes\.txt/s);
});
