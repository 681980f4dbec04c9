// Small per-phone facts kept as key/value rows: the current conversation, the git identity,
// the Worker's origin, the time zone, the chat linked to the home (its readers by channel name are
// channels/chat-settings.ts': a setting's meaning is its capability's).
// Read on nearly every step, so they are cached write-through (the object is single-threaded).
import type { Sql } from "../shared/sql";

type SettingKey =
  | "current_conversation"
  | "git_name"
  | "git_email"
  | "public_origin"
  | "rate_notice_at"
  | "budget_notice"
  | "daily_budget_usd"
  | "time_zone"
  | "pruned_at"
  | "access_revoked"
  | "progress_updates"
  | "voice_echo"
  | "voice_notice_told"
  /** /voice reply: "on" or "off"; unset: auto (a voice note is answered by voice). */
  | "voice_reply"
  /** When the user was last told that a reply could not be spoken (the text went alone). */
  | "voice_reply_failed_told"
  /** When the hint on commenting a change's lines went after a change line (changes/run-changes.ts): once per user. */
  | "comment_hint_told"
  | "quick_reply_content"
  | "quick_reply_unavailable_at"
  | "web_link_epoch"
  /** The highest conversation id ever given (conversations-repo.ts): a deleted conversation's id is never given again. */
  | "conversation_id_high"
  /** The chat of another channel linked to this home's agent (/link), as the directory last told it: a ChatAddress as JSON. */
  | "linked_chat"
  /** /notify: the channel every scheduled task's result goes to; unset: the chat that created it. */
  | "notify_channel"
  /** "1": the agent's last answer came from the project's offline model (free; /help names its long run), "0": a real model's. */
  | "offline_model"
  /** The model gave no answer (a usage limit, an outage): the pause its held work waits out (usage/model-pause-unit.ts), as JSON. */
  | "model_pause"
  /** The last changes the relay showed (a change line, a /diff picture): which message showed which, as JSON (changes/review-replies.ts). */
  | "shown_changes"
  /** The id of this home's live webhook door for one repository (/github watch; github-watches-repo.ts's homeWatches). */
  | `github_watch:${string}`
  /** A conversation's preview, by its id: its link epoch (/preview off moves it on) and the server it last served, as JSON (preview/preview-state.ts). */
  | `preview:${number}`
  /** The conversations on the laptop now, as JSON `{ "<conversation id>": <since, ms> }` (handoffs-repo.ts). */
  | "handoffs_away";

/** What a remembered read (memo) that consults a setting depends on: the cache answers without SQL. */
const READS = new Set(["settings"]);

export function createSettingsRepo(sql: Sql) {
  let cache: Map<string, string> | null = null;
  let cachedAtRollbacks = -1;
  const loaded = (): Map<string, string> => {
    // A rolled-back transaction may have undone a set() the cache already holds: reload.
    if (!cache || cachedAtRollbacks !== sql.rollbacks()) {
      cache = new Map(sql<{ key: string; value: string }>`SELECT key, value FROM settings`.map((r) => [r.key, r.value]));
      cachedAtRollbacks = sql.rollbacks();
    }
    return cache;
  };
  const get = (key: SettingKey): string | null => {
    sql.noteReads(READS);
    return loaded().get(key) ?? null;
  };
  /** Writes only when the value changes: most calls repeat what is stored. */
  const set = (key: SettingKey, value: string | number | null): void => {
    const text = value === null ? null : String(value);
    if (text === get(key)) return;
    if (text === null) sql`DELETE FROM settings WHERE key = ${key}`;
    else sql`INSERT INTO settings (key, value) VALUES (${key}, ${text}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
    if (text === null) loaded().delete(key);
    else loaded().set(key, text);
  };
  const getNumber = (key: SettingKey): number | null => {
    const value = get(key);
    return value === null ? null : Number(value);
  };
  return { get, set, getNumber };
}
export type SettingsRepo = ReturnType<typeof createSettingsRepo>;

/** The Worker's origin for links and callbacks: the configured PUBLIC_URL, else the one the last webhook came to. */
export function publicOriginOf(settings: Pick<SettingsRepo, "get">, configured: { publicUrl: string | null } | null): string | null {
  return configured?.publicUrl ?? settings.get("public_origin");
}
