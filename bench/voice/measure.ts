// Measures how long a spoken reply takes after its run ends, through the real relay under wrangler
// dev with the Twilio and VM stand-ins, and the offline model's server (its own process, so its
// Opus encoding never delays the bench's clock) standing in for aura-1 at SPEECH_URL, as `npm
// start` runs it. One phone says `/voice reply on`, then sends each representative reply's text:
// the VM stand-in answers "echo: <text>", so the relay speaks what that reply would have it say.
import { createInterface } from "node:readline";
import { z } from "zod";
import { freePort } from "../../emulator/tools/free-port";
import { guardGroup } from "../../scripts/stack/reaper";
import { SPEECH_PATH } from "../../scripts/stack/speech-path";
import { spawnGroup, stopGroup } from "../lib/children";
import { REPO_ROOT } from "../lib/paths";
import { withStackScope } from "../lib/stack-scope";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns, type StandIns } from "../lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../lib/webhooks";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { INBOUND_PATH } from "../relay/drive";
import { type AcceptedSend, type VoiceRound, voiceRoundOf } from "./timing";

const PHONE = "+15550009301";
const ROUND_TIMEOUT_MS = 90_000;
/** Between rounds: the previous round's sends and lines are in before the emulator is reset. */
const SETTLE_MS = 1_000;

const SentSchema = z.object({
  messages: z.array(z.object({ body: z.string().nullable(), dateCreated: z.iso.datetime(), media: z.array(z.object({ contentType: z.string().nullable() })) })),
});

export async function measureVoiceRounds(replies: readonly { name: string; text: string }[], rounds: number, log: (line: string) => void): Promise<VoiceRound[]> {
  return withStackScope("voice", log, async (onClose) => {
    const speech = await startSpeechStandIn();
    onClose("the speech stand-in", speech.stop);
    const standIns = await startStandIns();
    onClose("the stand-ins", standIns.stop);
    const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, [PHONE], { SPEECH_URL: speech.url }) });
    onClose("wrangler dev", relay.stop);
    let sent = 0;
    const send = (text: string) => post(relay, text, ++sent);
    await send("/voice reply on");
    await waitFor("the /voice answer", async () => ((await accepted(standIns)).length > 0 ? true : undefined));
    const samples: VoiceRound[] = [];
    for (let r = 1; r <= rounds; r++) {
      for (const reply of replies) {
        await pause(SETTLE_MS);
        await standIns.resetSent();
        const from = relay.events.length;
        await send(reply.text);
        const round = await waitFor(`${reply.name}'s voice note`, async () => voiceRoundOf(reply.name, relay.events.slice(from), await accepted(standIns)));
        samples.push(round);
        log(`voice: round ${r}, ${reply.name}: run's end → text ${round.textAt - round.runEndAt} ms, → voice note ${round.voiceAt - round.runEndAt} ms`);
      }
    }
    return samples;
  });
}

async function post(relay: WranglerDev, text: string, n: number): Promise<void> {
  const url = `${relay.url}${INBOUND_PATH}`;
  const form = inboundForm({ phone: PHONE, text, sid: messageSid(700_000 + n) }, STAND_IN_CREDENTIALS.accountSid);
  const signed = signedPost(url, form, STAND_IN_CREDENTIALS.authToken);
  const res = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`the relay answered the webhook ${res.status}`);
}

/** What the emulator accepted since its last reset, with the media it fetched for each. */
async function accepted(standIns: StandIns): Promise<AcceptedSend[]> {
  const res = await fetch(`${standIns.twilioUrl}/__emulator/messages`, { signal: AbortSignal.timeout(10_000) });
  return SentSchema.parse(await res.json()).messages;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ROUND_TIMEOUT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`voice: no ${what} within ${ROUND_TIMEOUT_MS} ms`);
    await pause(20);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The offline model's server in a process of its own; its speech model's URL once it listens. */
async function startSpeechStandIn(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort("127.0.0.1");
  const child = spawnGroup(process.execPath, ["--import", "tsx", "test/stand-ins/anthropic-api-main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ANTHROPIC_STAND_IN_PORT: String(port), ANTHROPIC_STAND_IN_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
    side: "edge",
  });
  const release = guardGroup(child.pid);
  const stop = async () => {
    await stopGroup(child);
    release();
  };
  const lines = createInterface({ input: child.stdout! });
  try {
    await Promise.race([
      new Promise<void>((resolve) => lines.on("line", (line) => line.includes("listening on") && resolve())),
      new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the speech stand-in exited with ${code}`)))),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}${SPEECH_PATH}`, stop };
}
