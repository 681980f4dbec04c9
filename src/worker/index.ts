// The Worker: each channel's webhooks in (src/channels/routes.ts), each user routed to their own PhoneAgent Durable Object; a daily
// Cron Trigger deletes stored media past their retention (media-retention.ts).
import { Hono } from "hono/tiny";
import { HTTPException } from "hono/http-exception";
import { loadConfig } from "../config";
import { mountChannelRoutes } from "../channels/routes";
import { logEvent } from "../core/log";
import { runMediaRetention } from "./media-retention";
import { mediaRoute } from "./media-route";
import { triggerRoute } from "./trigger-route";
import { webRoute } from "./web-route";
import { githubRoute } from "./github-webhook";

export { PhoneAgent } from "../objects/phone-agent";
export { UserDirectory } from "../objects/user-directory";

const app = new Hono<{ Bindings: Env }>();

app.get("/health", (c) => c.json({ ok: true }));

// Each channel's webhooks, with their own checks (docs/relay.md, docs/channels.md).
mountChannelRoutes(app);
// Stored media behind signed, expiring links (a channel's provider and the agent VM fetch them; docs/relay.md "Media").
app.route("/media", mediaRoute);
// Private pages behind signed, expiring, revocable links (docs/relay.md "The private page").
app.route("/web", webRoute);
// HTTP triggers: a Bearer token that can fire one trigger and nothing else (docs/github.md "Triggers").
app.route("/triggers", triggerRoute);
// GitHub's webhooks for the repositories users watch (docs/github.md).
app.route("/github", githubRoute);

app.notFound((c) => c.json({ error: "not_found" }, 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    return c.json({ error: error.message }, error.status);
  }
  const requestId = crypto.randomUUID();
  logEvent("request_failed", { requestId, path: new URL(c.req.url).pathname, error: error.message });
  return c.json({ error: "internal error", requestId }, 500);
});

export default {
  fetch: app.fetch,
  /** The daily Cron Trigger (wrangler.toml `[triggers]`): stored media past MEDIA_RETENTION_DAYS are deleted. */
  async scheduled(controller, env): Promise<void> {
    const loaded = loadConfig(env);
    if (!loaded.ok) {
      logEvent("config_invalid", { problems: loaded.problems });
      return;
    }
    await runMediaRetention(env.MEDIA, loaded.config, controller.scheduledTime, logEvent);
  },
} satisfies ExportedHandler<Env>;
