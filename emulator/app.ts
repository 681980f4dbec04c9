// The emulator's HTTP surface: Twilio's APIs (Messaging, Media, Content, typing), the control API, the event stream and the simulator page.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { TwilioErrors } from "./core/twilio-errors";
import type { EmulatorContext } from "./context";
import { contentApi } from "./routes/content-api";
import { controlApi } from "./routes/control-api";
import { eventsApi } from "./routes/events-api";
import { mediaApi } from "./routes/media-api";
import { mediaControl } from "./routes/media-control";
import { messagesApi } from "./routes/messages-api";
import { simulatedInbound } from "./routes/simulated-inbound";
import { simulatorPage } from "./routes/simulator-page";
import { telegramView } from "./routes/telegram-view";
import { requireTwilioAuth, twilioError } from "./routes/twilio-http";
import { typingApi } from "./routes/typing-api";

export function createEmulatorApp(ctx: EmulatorContext): Hono {
  const app = new Hono();
  // Every 2010-04-01 account path (messages, media): that account's credentials.
  app.use("/2010-04-01/Accounts/:accountSid/*", requireTwilioAuth(ctx.config, { ownPath: true }));
  app.route("/", messagesApi(ctx));
  app.route("/", mediaApi(ctx));
  app.route("/", contentApi(ctx));
  app.route("/", typingApi(ctx));
  app.route("/", controlApi(ctx));
  app.route("/", mediaControl(ctx));
  app.route("/", simulatedInbound(ctx));
  app.route("/", eventsApi(ctx));
  app.route("/", simulatorPage());
  app.route("/", telegramView(ctx.config.telegram));
  app.notFound((c) => twilioError(c, TwilioErrors.notFound(c.req.path)));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: error.message }, error.status);
    console.error("[emulator] unexpected error", error);
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
