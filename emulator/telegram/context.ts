// What the Bot API stand-in's routes share.
import type { BotState } from "./shell/bot-state";

export type TelegramContext = {
  state: BotState;
  /** Every method call, in order, for tests (files shown by name and size). */
  calls: { method: string; params: Record<string, unknown>; at: number }[];
  /** Ends webhook deliveries in flight when the stand-in closes. */
  shutdown: AbortSignal;
  now: () => number;
};
