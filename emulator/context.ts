// What every route of the emulator works with: its settings, its state, and its side-effect machinery.
import type { EmulatorConfig } from "./config";
import type { Deliveries } from "./shell/deliveries";
import type { Store } from "./shell/store";
import type { TypingIndicators } from "./shell/typing-indicators";

export type EmulatorContext = {
  config: EmulatorConfig;
  store: Store;
  typing: TypingIndicators;
  deliveries: Deliveries;
  newSid: (prefix: "SM") => string;
  /** Aborted when the emulator closes: ends deliveries, posts and event streams. */
  shutdown: AbortSignal;
};
