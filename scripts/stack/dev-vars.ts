// Reads `.dev.vars` (the Worker's local settings, dotenv syntax) into the values the local stack
// shares with the Twilio emulator and the agent VM, so one file keeps all three in step. Pure.
import { z } from "zod";

/** The part of dotenv's syntax `.dev.vars` needs: comments, `export`, quotes, inline comments. */
export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (!match) continue;
    const [, key = "", rest = ""] = match;
    vars[key] = valueOf(rest);
  }
  return vars;
}

function valueOf(rest: string): string {
  const quote = rest[0];
  if (quote === '"' || quote === "'" || quote === "`") {
    const end = rest.indexOf(quote, 1);
    if (end > 0) {
      const inner = rest.slice(1, end);
      // As dotenv: only double quotes expand \n.
      return quote === '"' ? inner.replace(/\\n/g, "\n").replace(/\\r/g, "\r") : inner;
    }
  }
  // Unquoted: a `#` after whitespace starts a comment, as in dotenv.
  return rest.replace(/(^|\s)#.*$/, "").trim();
}

const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const MISSING = "is missing";

export const LocalVarsSchema = z.object({
  TWILIO_ACCOUNT_SID: z.string({ error: MISSING }).regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hex digits"),
  TWILIO_AUTH_TOKEN: z.string({ error: MISSING }).min(1, "must not be empty"),
  TWILIO_WHATSAPP_FROM: z.preprocess(
    blankIsUnset,
    z.string().regex(/^whatsapp:\+[1-9]\d{6,14}$/, "must be whatsapp:+E164").default("whatsapp:+14155238886"),
  ),
  ALLOWED_SENDERS: z.string().default(""),
  VM_TOKEN: z.string({ error: MISSING }).trim().min(1, "must not be empty: the VM refuses to start without it"),
  // Read only to tell the user when the Worker is pointed away from the local pieces.
  VM_URL: z.preprocess(blankIsUnset, z.string().optional()),
  TWILIO_API_BASE: z.preprocess(blankIsUnset, z.string().optional()),
  // The emulator knows this template (approved), so the Worker's sends with it are accepted.
  TWILIO_TEMPLATE_SID: z.preprocess(blankIsUnset, z.string().regex(/^HX[0-9a-fA-F]{32}$/, "must be HX followed by 32 hex digits").optional()),
  PUBLIC_URL: z.preprocess(blankIsUnset, z.string().optional()),
});
export type LocalVars = z.infer<typeof LocalVarsSchema>;

export type LocalVarsResult = { ok: true; vars: LocalVars } | { ok: false; problems: string[] };

export function readLocalVars(text: string): LocalVarsResult {
  const parsed = LocalVarsSchema.safeParse(parseDotenv(text));
  if (parsed.success) return { ok: true, vars: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
}
