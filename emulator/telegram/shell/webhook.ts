// Delivers an update to the registered webhook as Telegram does: a JSON POST with the secret in
// X-Telegram-Bot-Api-Secret-Token. Once, with the answer's status handed back to the caller.
import type { BotState } from "./bot-state";

const POST_TIMEOUT_MS = 15_000;

export type Delivery = { ok: true; status: number; body: string } | { ok: false; error: string };

export async function deliverUpdate(state: BotState, update: unknown, shutdown: AbortSignal): Promise<Delivery> {
  const hook = state.webhook;
  if (!hook) return { ok: false, error: "no webhook is set (setWebhook first)" };
  try {
    const response = await fetch(hook.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(hook.secretToken ? { "x-telegram-bot-api-secret-token": hook.secretToken } : {}) },
      body: JSON.stringify(update),
      signal: AbortSignal.any([shutdown, AbortSignal.timeout(POST_TIMEOUT_MS)]),
    });
    return { ok: true, status: response.status, body: await response.text() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
