// The emulator's HTTP surface: Twilio's APIs, the control API, the event stream and the simulator page.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { TwilioErrors } from "./core/twilio-errors";
import type { EmulatorContext } from "./context";
import { controlApi } from "./routes/control-api";
import { eventsApi } from "./routes/events-api";
import { messagesApi } from "./routes/messages-api";
import { simulatedInbound } from "./routes/simulated-inbound";
import { simulatorPage } from "./routes/simulator-page";
import { twilioError } from "./routes/twilio-http";
import { typingApi } from "./routes/typing-api";

export function createEmulatorApp(ctx: EmulatorContext): Hono {
  const app = new Hono();
  app.route("/", messagesApi(ctx));
  app.route("/", typingApi(ctx));
  app.route("/", controlApi(ctx));
  app.route("/", simulatedInbound(ctx));
  app.route("/", eventsApi(ctx));
  app.route("/", simulatorPage());
  app.notFound((c) => twilioError(c, TwilioErrors.notFound(c.req.path)));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: error.message }, error.status);
    console.error("[emulator] unexpected error", error);
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
