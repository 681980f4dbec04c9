// Twilio's Messaging v2 typing indicator (POST /v2/Indicators/Typing.json), as documented in its Typing Indicators resource.
import { Hono } from "hono";
import { TwilioErrors } from "../core/twilio-errors";
import type { EmulatorContext } from "../context";
import { readForm, requireTwilioAuth, twilioError } from "./twilio-http";

/** Twilio accepts a Message SID (SM…) or Media SID (MM…) of the message being answered. */
const MESSAGE_ID = /^(SM|MM)[0-9a-fA-F]{32}$/;

export function typingApi(ctx: EmulatorContext): Hono {
  const { store } = ctx;
  const api = new Hono();

  api.post("/v2/Indicators/Typing.json", requireTwilioAuth(ctx.config), async (c) => {
    const form = await readForm(c);
    const messageId = form.messageId ?? "";
    const channel = form.channel ?? "";
    if (!messageId) return twilioError(c, TwilioErrors.missingParameter("messageId"));
    if (!channel) return twilioError(c, TwilioErrors.missingParameter("channel"));
    if (channel !== "whatsapp") return twilioError(c, TwilioErrors.invalidParameter("channel"));
    if (!MESSAGE_ID.test(messageId)) return twilioError(c, TwilioErrors.invalidParameter("messageId"));

    store.addTypingRequest({ messageId, channel, at: ctx.config.now() });
    // Twilio marks the referenced message read and shows the bubble on that user's phone.
    const answered = store.findIncoming(messageId);
    if (answered) {
      store.markIncomingReadUpTo(messageId);
      ctx.typing.show(answered.from);
    }
    return c.json({ success: true }, 200);
  });

  return api;
}
