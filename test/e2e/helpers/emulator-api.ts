// Reads what the relay sent through the Twilio emulator, and waits for it, for the end-to-end tests.
import { z } from "zod";

const MessagesSchema = z.object({
  messages: z.array(z.object({ sid: z.string(), to: z.string(), body: z.string().nullable(), status: z.string() })),
});
export type SentMessage = z.infer<typeof MessagesSchema>["messages"][number];

const TypingSchema = z.object({ requests: z.array(z.object({ messageId: z.string() })) });

/** Everything the relay sent to this phone, in the order the emulator received it. */
export async function sentTo(twilioUrl: string, phone: string): Promise<SentMessage[]> {
  const response = await fetch(`${twilioUrl}/__emulator/messages?to=${encodeURIComponent(`whatsapp:${phone}`)}`);
  return MessagesSchema.parse(await response.json()).messages;
}

export async function typingRequestsFor(twilioUrl: string, messageId: string): Promise<number> {
  const response = await fetch(`${twilioUrl}/__emulator/typing?messageId=${encodeURIComponent(messageId)}`);
  return TypingSchema.parse(await response.json()).requests.length;
}

/** Polls until `check` returns a value, or fails with what it last saw. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** The offline model's reply to one user text always starts like this. */
export const replyTo = (text: string) => `[offline model] You said: «${text}»`;
export const ACK = "Got it, I'll process this next.";

/**
 * Waits for the first message after the `seen` first ones of `list()` whose body matches: it, and
 * how many messages there are up to and with it. A timeout says what came instead.
 */
export async function nextMessage<M extends { body: string | null }>(
  what: string,
  list: () => Promise<M[]>,
  seen: number,
  match: (body: string) => boolean,
  timeoutMs = 120_000,
): Promise<{ message: M; seen: number }> {
  const found = (all: M[]) => all.findIndex((m, i) => i >= seen && match(m.body ?? ""));
  try {
    return await eventually(what, async () => {
      const all = await list();
      const index = found(all);
      return index >= 0 ? { message: all[index]!, seen: index + 1 } : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${String(error)}; sent since: ${JSON.stringify((await list()).slice(seen).map((m) => m.body))}`);
  }
}
