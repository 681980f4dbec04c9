// The Worker: each channel's webhooks in (src/channels/routes.ts), each user routed to their own PhoneAgent Durable Object; a daily
// Cron Trigger deletes stored media past their retention (media-retention.ts).
import { Hono } from "hono/tiny";
import { HTTPException } from "hono/http-exception";
import { loadConfig, RELAY_SETTINGS } from "./agent/relay-settings";
import { describeProblem } from "./config/config-check";
import { mountChannelRoutes } from "./channels/routes";
import { channelDirectory } from "./directory/allowlist";
import { TAP_TOASTS } from "./agent/tap-toasts";
import { logEvent } from "./shared/log";
import { runMediaRetention } from "./media/media-retention";
import { mediaRoute } from "./media/media-route";
import { settingsReport } from "./config/require-config";
import { triggerRoute } from "./triggers/trigger-route";
import { openLinkedAgent, refuseLink, WEB_HEADERS, webRoute } from "./web/web-route";
import { previewFromOutside, previewRoute } from "./preview/preview-route";
import { webReviewRoutes } from "./changes/web-review-route";
import { webLiveRoute } from "./web/web-live-route";
import { handoffRoute } from "./handoff/handoff-route";
import { githubRoute } from "./github/github-webhook";
import { vmWakeRoute } from "./machines/vm-wake-route";
import { userDirectoryWith } from "./directory/user-directory";
import { triggerDirectoryTables } from "./triggers/trigger-directory";
import { githubDirectoryTables } from "./github/github-directory";
import { webDirectoryTables } from "./web/web-directory";
import { machineOwnersDirectoryTables } from "./machines/machine-owners-directory";
import { handoffDirectoryTables } from "./handoff/handoff-directory";

export { PhoneAgent } from "./phone-agent";
/** The one directory of users, with the rows other capabilities keep there (directory/directory-tables.ts). */
export const UserDirectory = userDirectoryWith({
  triggers: triggerDirectoryTables,
  github: githubDirectoryTables,
  web: webDirectoryTables,
  machineOwners: machineOwnersDirectoryTables,
  handoff: handoffDirectoryTables,
});
export type UserDirectory = InstanceType<typeof UserDirectory>;

const app = new Hono<{ Bindings: Env }>();

// 200 only when the relay can take a message; else 503 with the settings to fix, by name (src/config/config-check.ts).
app.get("/health", (c) => {
  const { problems } = settingsReport(c.env, RELAY_SETTINGS);
  if (problems.length === 0) return c.json({ ok: true });
  return c.json({ ok: false, settings: problems.map((p) => p.name), problems: problems.map(describeProblem) }, 503);
});

// Each channel's webhooks, with their own checks (docs/relay.md, docs/channels.md).
mountChannelRoutes(app, { directory: channelDirectory, tapToasts: TAP_TOASTS });
// Stored media behind signed, expiring links (a channel's provider and the agent VM fetch them; docs/relay.md "Media").
app.route("/media", mediaRoute);
// Private pages behind signed, expiring, revocable links (docs/relay.md "The private page").
// Its draft review (comments on a change's lines, "Send review"), under the same links; first, for /web/review.js.
app.route("/web", webReviewRoutes({ open: openLinkedAgent, refuse: refuseLink, headers: WEB_HEADERS }));
// Its live part (the run as it happens, stop and answer from the page), under the same links.
app.route("/web", webLiveRoute);
app.route("/web", webRoute);
app.route("/p", previewRoute);
// /handoff's shell line: its script, and the conversation as a git bundle, once (docs/relay.md "Handing off").
app.route("/h", handoffRoute);
// HTTP triggers: a Bearer token that can fire one trigger and nothing else (docs/github.md "Triggers").
app.route("/triggers", triggerRoute);
// GitHub's webhooks for the repositories users watch (docs/github.md).
app.route("/github", githubRoute);
// The VM's signed wake: its runs are taken up at once after it restarted (docs/protocol.md "Wake").
app.route("/vm", vmWakeRoute);

// A preview's page asking for an absolute path (`/assets/app.js`) is sent under its link; anything else is not found.
app.notFound(async (c) => (await previewFromOutside(c)) ?? c.json({ error: "not_found" }, 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    return c.json({ error: error.message }, error.status);
  }
  const requestId = crypto.randomUUID();
  logEvent("request_failed", { requestId, path: new URL(c.req.url).pathname, error: error.message });
  return c.json({ error: "internal error", requestId }, 500);
});

export default {
  /** The settings are checked (and any problem logged) at an isolate's first request, whatever it asks. */
  fetch(request, env, ctx) {
    settingsReport(env, RELAY_SETTINGS);
    return app.fetch(request, env, ctx);
  },
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
