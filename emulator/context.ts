// What every route of the emulator works with: its settings, its state, and its side-effect machinery.
import type { EmulatorConfig } from "./config";
import type { ContentStore } from "./shell/content-store";
import type { Deliveries } from "./shell/deliveries";
import type { MediaStore } from "./shell/media-store";
import type { Store } from "./shell/store";
import type { TypingIndicators } from "./shell/typing-indicators";

/** Twilio's SID prefixes: messages (SM, MM for incoming media), media (ME), content templates (HX). */
export type SidPrefix = "SM" | "MM" | "ME" | "HX";

export type EmulatorContext = {
  config: EmulatorConfig;
  store: Store;
  contents: ContentStore;
  media: MediaStore;
  typing: TypingIndicators;
  deliveries: Deliveries;
  newSid: (prefix: SidPrefix) => string;
  /** Aborted when the emulator closes: ends deliveries, posts and event streams. */
  shutdown: AbortSignal;
};
