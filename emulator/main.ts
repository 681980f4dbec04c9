// CLI: runs the Twilio emulator and phone simulator from environment settings (used by `npm start`).
import { z } from "zod";
import { startTwilioEmulator } from "./server";

/** The simulator's two default people, so two tabs can be two users with no setup. */
const DEFAULT_USERS = "+15551230001:Alice,+15551230002:Bob";

const EnvSchema = z.object({
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  EMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
  TWILIO_ACCOUNT_SID: z.string().min(1),
  TWILIO_AUTH_TOKEN: z.string().min(1),
  TWILIO_WHATSAPP_FROM: z.string().optional(),
  /** The relay's approved "a result is waiting" template: the emulator starts with it, approved, so out-of-window sends work. */
  TWILIO_TEMPLATE_SID: z.string().regex(/^HX[0-9a-fA-F]{32}$/).optional(),
  RELAY_URL: z.url().default("http://127.0.0.1:8787"),
  /** Comma-separated `+E164:Name` pairs for the simulator's phone selector. */
  EMULATOR_USERS: z.string().default(DEFAULT_USERS),
  EMULATOR_STATUS_DELAY_MS: z.coerce.number().int().min(0).optional(),
  /** The Telegram Bot API stand-in, for the simulator's Telegram view, and its users (`id:Name,…`). */
  TELEGRAM_STAND_IN_URL: z.url().optional(),
  TELEGRAM_USERS: z.string().default(""),
});

function parseUsers(list: string): { phone: string; name: string }[] {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [phone = "", ...name] = entry.split(":");
      return { phone: phone.trim(), name: name.join(":").trim() || phone.trim() };
    });
}

/** A stand-in for the account's approved template: `{{1}}` is what the relay says is waiting. */
function resultTemplate(sid: string) {
  return { sid, approved: true, friendly_name: "result_waiting", language: "en", types: { "twilio/text": { body: "You have {{1}}. Reply to see it." } } };
}

const parsed = EnvSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`[emulator] bad environment:\n${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const env = parsed.data;
const relay = env.RELAY_URL.replace(/\/+$/, "");

try {
  const emulator = await startTwilioEmulator({
    port: env.EMULATOR_PORT,
    host: env.EMULATOR_HOST,
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    whatsappFrom: env.TWILIO_WHATSAPP_FROM,
    inboundWebhookUrl: `${relay}/twilio/inbound`,
    statusDelayMs: env.EMULATOR_STATUS_DELAY_MS ?? 400,
    users: parseUsers(env.EMULATOR_USERS),
    contents: env.TWILIO_TEMPLATE_SID ? [resultTemplate(env.TWILIO_TEMPLATE_SID)] : [],
    ...(env.TELEGRAM_STAND_IN_URL
      ? { telegram: { url: env.TELEGRAM_STAND_IN_URL, users: parseUsers(env.TELEGRAM_USERS).map(({ phone, name }) => ({ id: phone, name })) } }
      : {}),
  });
  console.log(`[emulator] Twilio emulator and phone simulator on ${emulator.url} (posting to ${relay}/twilio/inbound)`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === "EADDRINUSE"
      ? `[emulator] port ${env.EMULATOR_PORT} is already in use`
      : `[emulator] could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
