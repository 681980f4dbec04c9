// A simulated user's message reaches the relay: recorded on the phone, posted signed as Twilio would, its ticks set by the answer.
import type { EmulatorContext } from "../context";
import { postSignedForm } from "./signed-post";
import type { IncomingMessage } from "./store";

/** Twilio's "HTTP retrieval failure": what its debugger logs when the application's webhook fails. */
export const WEBHOOK_FAILED = 11200;

export type IncomingResult = { sid: string; status: number; error?: string };

/** Every way a user writes (typing, attaching, tapping a button) goes through here, so signing and ticks are the same. */
export async function deliverIncoming(ctx: EmulatorContext, message: IncomingMessage, form: Record<string, string>, url: string): Promise<IncomingResult> {
  const { store, config } = ctx;
  // The window opens when the user writes, whatever the application does with the message.
  store.addIncoming(message);
  const result = await postSignedForm(url, form, config.authToken, ctx.shutdown);

  const accepted = result.ok && result.status >= 200 && result.status < 300;
  // A typing indicator may already have marked it read while the relay was answering.
  if (accepted && store.findIncoming(message.sid)?.status === "sent") store.setIncomingStatus(message.sid, "delivered", null);
  if (!accepted) store.setIncomingStatus(message.sid, "failed", WEBHOOK_FAILED);
  return result.ok ? { sid: message.sid, status: result.status } : { sid: message.sid, status: 0, error: result.error };
}
