// What the relay keeps of a conversation's preview, in the phone's settings (one JSON row each):
// its epoch, which /preview off moves on so no link made before opens again, and the kept server it
// last saw (command and port), so the next preview request starts it again after the VM ended it
// (the conversation's idle time, the Machine's suspension).
import * as z from "zod/mini";
import type { SettingsRepo } from "../config/settings-repo";
import { readJson } from "../shared/json-text";

const PreviewRowSchema = z.object({
  epoch: z.number().check(z.int(), z.nonnegative()),
  server: z.nullable(z.object({ command: z.string().check(z.minLength(1), z.maxLength(1000)), port: z.number().check(z.int(), z.gte(1024), z.lte(65535)) })),
});
export type PreviewRow = z.infer<typeof PreviewRowSchema>;

const EMPTY: PreviewRow = { epoch: 0, server: null };

export function previewRowOf(settings: Pick<SettingsRepo, "get">, conversationId: number): PreviewRow {
  const text = settings.get(`preview:${conversationId}`);
  return (text === null ? null : readJson(PreviewRowSchema, text)) ?? EMPTY;
}

/** The kept server the VM showed, remembered for the next start. */
export function rememberPreviewServer(settings: Pick<SettingsRepo, "get" | "set">, conversationId: number, server: PreviewRow["server"]): void {
  const row = previewRowOf(settings, conversationId);
  settings.set(`preview:${conversationId}`, JSON.stringify({ ...row, server }));
}

/** /preview off: every link made before stops opening, and the server is not started again by itself. */
export function endPreview(settings: Pick<SettingsRepo, "get" | "set">, conversationId: number): void {
  const row = previewRowOf(settings, conversationId);
  settings.set(`preview:${conversationId}`, JSON.stringify({ epoch: row.epoch + 1, server: null }));
}
