// Each channel's way of fetching a message's attachments into the media store, from the
// configuration: a channel has a fetcher only when its credentials are configured.
import type { Config } from "../config/config";
import type { MediaFetchers } from "./media-fetcher";
import { telegramMediaFetcher } from "./telegram/media";
import { whatsappMediaFetcher } from "./whatsapp/media";

/** The fetchers by channel; `fetchFn` stands in for the global fetch (tests). */
export function mediaFetchersFor(config: Config | null, fetchFn?: typeof fetch): MediaFetchers {
  if (!config) return {};
  const whatsapp = whatsappMediaFetcher(config.twilio, fetchFn);
  return { ...(whatsapp ? { whatsapp } : {}), ...(config.telegram ? { telegram: telegramMediaFetcher(config.telegram, fetchFn) } : {}) };
}
