// The Bot API stand-in's surface: its control routes under /__telegram/, then Telegram's own
// `/bot<token>/<method>` and `/file/bot<token>/<file_path>`.
import { Hono } from "hono";
import type { TelegramContext } from "./context";
import { BotErrors, errorBody } from "./core/errors";
import { botApi } from "./routes/bot-api";
import { controlApi } from "./routes/control-api";

export function createTelegramApp(ctx: TelegramContext): Hono {
  const app = new Hono();
  // For a supervisor's readiness check (not Telegram's).
  app.get("/", (c) => c.json({ ok: true, standIn: "telegram", bot: ctx.state.bot.username }));
  app.route("/", controlApi(ctx));
  app.route("/", botApi(ctx));
  app.notFound((c) => c.json(errorBody(BotErrors.notFound()), 404));
  app.onError((error, c) => {
    console.error("[telegram] unexpected error", error);
    return c.json({ ok: false, error_code: 500, description: "Internal Server Error" }, 500);
  });
  return app;
}
