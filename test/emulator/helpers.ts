// Test helpers for the Twilio emulator: a started emulator, Twilio-style requests, a local webhook receiver, an SSE reader.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import webhooks from "twilio/lib/webhooks/webhooks.js";
import { startTwilioEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/server";

export const ACCOUNT_SID = `AC${"a1".repeat(16)}`;
export const AUTH_TOKEN = "emulator-test-token";
export const SANDBOX_FROM = "whatsapp:+14155238886";

export function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startTwilioEmulator({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusDelayMs: 5, ...options });
}

export function basicAuth(username = ACCOUNT_SID, password = AUTH_TOKEN): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

export function messagesUrl(emulator: RunningEmulator, accountSid = ACCOUNT_SID): string {
  return `${emulator.url}/2010-04-01/Accounts/${accountSid}/Messages.json`;
}

/** A record, or URLSearchParams for a repeated field (MediaUrl). */
export function postForm(url: string, form: Record<string, string> | URLSearchParams, authorization = basicAuth()): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

export function sendMessage(emulator: RunningEmulator, form: Record<string, string>): Promise<Response> {
  return postForm(messagesUrl(emulator), { From: SANDBOX_FROM, ...form });
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

export type ReceivedPost = {
  path: string;
  form: Record<string, string>;
  signature: string | undefined;
  /** Checked with the `twilio` package against the exact URL that was posted to. */
  signatureValid: boolean;
};

/** A stand-in application that records every form posted to it and checks its Twilio signature. */
export async function startReceiver(answerStatus = 200) {
  const posts: ReceivedPost[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer(async (req, res) => {
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const signature = header(req, "x-twilio-signature");
    const url = `${receiver.url}${req.url ?? "/"}`;
    posts.push({
      path: req.url ?? "/",
      form,
      signature,
      signatureValid: signature !== undefined && webhooks.validateRequest(AUTH_TOKEN, signature, url, form),
    });
    for (const wake of waiters.splice(0)) wake();
    res.writeHead(answerStatus, { "content-type": "text/xml" }).end("<Response/>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    /** Resolves once at least `count` posts have arrived. */
    async waitFor(count: number): Promise<ReceivedPost[]> {
      while (posts.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return posts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return receiver;
}

export type SseEvent = { event: string; data: unknown };

/** Reads server-sent events until `done` says enough, then disconnects. */
export async function readEvents(url: string, done: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (!response.body) throw new Error(`no event stream from ${url}: ${response.status}`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const parsed = parseFrame(frame);
        if (parsed) events.push(parsed);
      }
      if (done(events)) break;
    }
  } finally {
    controller.abort();
  }
  return events;
}

function parseFrame(frame: string): SseEvent | undefined {
  let event = "message";
  const data: string[] = [];
  for (const line of frame.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  return data.length ? { event, data: JSON.parse(data.join("\n")) } : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export const QUICK_REPLY = {
  friendly_name: "approval_prompt",
  language: "en",
  variables: { 1: "a command" },
  types: {
    "twilio/quick-reply": {
      body: "Allow {{1}}?",
      actions: [
        { title: "Yes", id: "yes-{{2}}" },
        { title: "No", id: "no-{{2}}" },
        { title: "Always", id: "always-{{2}}" },
      ],
    },
    "twilio/text": { body: "Allow {{1}}? Reply yes, no or always." },
  },
};

/** Creates a template through the Content API, as the relay would; answers its SID. */
export async function createContent(emulator: RunningEmulator, body: unknown = QUICK_REPLY): Promise<string> {
  const response = await fetch(`${emulator.url}/v1/Content`, {
    method: "POST",
    headers: { authorization: basicAuth(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`content create: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { sid: string }).sid;
}

/** A template with a fixed SID, approved for WhatsApp: what an account's approved TWILIO_TEMPLATE_SID is. */
export async function seedApprovedTemplate(emulator: RunningEmulator, sid: string, body = "You have {{1}}. Reply to see it."): Promise<void> {
  const response = await postJson(`${emulator.url}/__emulator/contents`, { sid, approved: true, language: "en", types: { "twilio/text": { body } } });
  if (response.status !== 201) throw new Error(`seed content: ${response.status} ${await response.text()}`);
}

export type ListedMessage = {
  sid: string;
  to: string;
  body: string;
  status: string;
  errorCode: number | null;
  contentSid: string | null;
  buttons: { title: string; id: string }[];
  media: { sid: string | null; url: string; contentType: string | null; size: number | null }[];
};

export async function listed(emulator: RunningEmulator, sid: string): Promise<ListedMessage | undefined> {
  const answer = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as { messages: ListedMessage[] };
  return answer.messages.find((m) => m.sid === sid);
}
