// Options of one Twilio emulator, parsed once with defaults; the CLI and tests both go through this schema.
import { z } from "zod";
import { E164, phoneOf } from "./core/phone";

const PhoneSchema = z.string().transform(phoneOf).pipe(z.string().regex(E164, "a phone number in E.164 form, like +15551234567"));

export const SimulatorUserSchema = z.object({ phone: PhoneSchema, name: z.string().min(1) });

/**
 * A template the emulator starts with (or a test adds through /__emulator/contents): a Content
 * API create body, plus the SID it must have and whether WhatsApp has approved it.
 */
export const SeedContentSchema = z.looseObject({
  sid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, "HX followed by 32 hex digits").optional(),
  approved: z.boolean().default(false),
});
export type SeedContent = z.input<typeof SeedContentSchema>;

const HOUR_MS = 3_600_000;

export const EmulatorOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(8788),
  host: z.string().min(1).default("127.0.0.1"),
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "AC followed by 32 hex digits"),
  authToken: z.string().min(1),
  whatsappFrom: z.string().regex(/^whatsapp:\+[1-9]\d{6,14}$/).default("whatsapp:+14155238886"),
  /** The relay's incoming-message webhook (its /twilio/inbound) that simulator messages are posted to. */
  inboundWebhookUrl: z.url().optional(),
  statusCallbacks: z.boolean().default(true),
  /** Pause before each status change (sent, delivered, read), so ticks advance visibly. */
  statusDelayMs: z.number().int().min(0).default(150),
  /** How long a typing indicator lasts without a following message; WhatsApp's is 25 s. */
  typingMs: z.number().int().min(1).default(25_000),
  users: z.array(SimulatorUserSchema).default([]),
  /** The Telegram Bot API stand-in the simulator's Telegram view talks to (through this emulator), and its users. */
  telegram: z.object({ url: z.url(), users: z.array(z.object({ id: z.string().regex(/^[1-9]\d{0,15}$/), name: z.string().min(1) })) }).optional(),
  /** Content templates that exist from the start, e.g. the relay's approved TWILIO_TEMPLATE_SID. */
  contents: z.array(SeedContentSchema).default([]),
  /** How long the unauthenticated link a media URL redirects to stays valid; Twilio's last 4 hours. */
  mediaLinkTtlMs: z.number().int().min(1).default(4 * HOUR_MS),
  /** The clock, for tests of the 24-hour window; epoch milliseconds. */
  now: z.custom<() => number>((value) => typeof value === "function").default(() => Date.now),
});

export type EmulatorOptions = z.input<typeof EmulatorOptionsSchema>;
export type EmulatorConfig = z.output<typeof EmulatorOptionsSchema>;
export { PhoneSchema };
