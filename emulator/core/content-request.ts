// Validates a Content API create body (POST /v1/Content) with the fields and limits Twilio documents per content type.
import { z } from "zod";
import { TwilioErrors, type TwilioError } from "./twilio-errors";
import type { Parsed } from "./message-request";

/** Twilio's documented limits: twilio/text and twilio/quick-reply pages, and WhatsApp's reply button. */
export const CONTENT_LIMITS = {
  textBody: 1600,
  quickReplyBody: 1024,
  minActions: 1,
  maxActions: 10,
  title: 20,
  id: 200,
} as const;

/** Every content type Twilio names; the emulator checks and renders text and quick-reply, and stores the rest as given. */
export const KNOWN_CONTENT_TYPES = [
  "twilio/text",
  "twilio/media",
  "twilio/location",
  "twilio/list-picker",
  "twilio/call-to-action",
  "twilio/quick-reply",
  "twilio/card",
  "twilio/carousel",
  "twilio/catalog",
  "twilio/pay",
  "twilio/flows",
  "twilio/schedule",
  "whatsapp/authentication",
  "whatsapp/card",
  "whatsapp/flows",
] as const;

const QuickReplyActionSchema = z.strictObject({
  type: z.literal("QUICK_REPLY").optional(),
  title: z.string().min(1).max(CONTENT_LIMITS.title),
  id: z.string().min(1).max(CONTENT_LIMITS.id).optional(),
});

const TextSchema = z.strictObject({ body: z.string().min(1).max(CONTENT_LIMITS.textBody) });

const QuickReplySchema = z.strictObject({
  body: z.string().min(1).max(CONTENT_LIMITS.quickReplyBody),
  actions: z.array(QuickReplyActionSchema).min(CONTENT_LIMITS.minActions).max(CONTENT_LIMITS.maxActions),
});

/** Types the emulator does not model must still be objects, as Twilio's schema has them. */
const OtherTypeSchema = z.record(z.string(), z.unknown());

const TypesSchema = z
  .record(z.string(), z.unknown())
  .superRefine((types, issue) => {
    const names = Object.keys(types);
    if (names.length === 0) issue.addIssue({ code: "custom", message: "at least one content type is required" });
    for (const name of names) {
      if (!(KNOWN_CONTENT_TYPES as readonly string[]).includes(name)) {
        issue.addIssue({ code: "custom", path: [name], message: `${name} is not a content type` });
      }
    }
  })
  .pipe(
    z.looseObject({
      "twilio/text": TextSchema.optional(),
      "twilio/quick-reply": QuickReplySchema.optional(),
    }),
  )
  .pipe(z.record(z.string(), OtherTypeSchema));

const ContentCreateSchema = z.strictObject({
  friendly_name: z.string().max(255).optional(),
  /** ISO 639-1, optionally with a region: `en`, `pt_BR`. */
  language: z.string().regex(/^[a-z]{2,3}([_-][A-Za-z]{2,4})?$/, "a language code such as en or pt_BR"),
  variables: z.record(z.string().regex(/^\w+$/, "variable names are letters, digits and _"), z.string()).optional(),
  types: TypesSchema,
});

export type QuickReplyAction = z.infer<typeof QuickReplyActionSchema>;
export type ContentTypes = {
  "twilio/text"?: { body: string };
  "twilio/quick-reply"?: { body: string; actions: QuickReplyAction[] };
  [type: string]: unknown;
};
export type ContentDraft = {
  friendlyName: string;
  language: string;
  variables: Record<string, string>;
  types: ContentTypes;
};

export function parseContentRequest(body: unknown): Parsed<ContentDraft> {
  const parsed = ContentCreateSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, error: contentError(parsed.error) };
  const { friendly_name, language, variables, types } = parsed.data;
  return { ok: true, value: { friendlyName: friendly_name ?? "", language, variables: variables ?? {}, types: types as ContentTypes } };
}

/** Twilio names the first field at fault; a missing required one is "Missing required parameter". */
function contentError(error: z.ZodError): TwilioError {
  const [first] = error.issues;
  const path = first?.path.map(String).join(".") || "body";
  if (first?.code === "invalid_type" && first.input === undefined) {
    return TwilioErrors.invalidContent(`Missing required parameter ${path}`);
  }
  return TwilioErrors.invalidContent(`Invalid parameter ${path}: ${first?.message ?? "invalid"}`);
}
