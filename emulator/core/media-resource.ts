// Twilio's Media resource: where a message's media lives under the 2010-04-01 API, and its JSON.
import { rfc2822 } from "./message-resource";

/** One piece of media Twilio stores: what a user sent, or what Twilio fetched from a MediaUrl. */
export type StoredMedia = {
  sid: string;
  accountSid: string;
  /** The message it belongs to (`MM…` for incoming media, `SM…` for a sent message). */
  messageSid: string;
  contentType: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** The name the file had, when known: shown by the simulator and given back as Content-Disposition. */
  filename: string | null;
  createdAt: number;
};

/** `/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}`: what MediaUrlN points at. */
export function mediaPath(media: Pick<StoredMedia, "accountSid" | "messageSid" | "sid">): string {
  return `/2010-04-01/Accounts/${media.accountSid}/Messages/${media.messageSid}/Media/${media.sid}`;
}

export function toMediaResource(media: StoredMedia) {
  return {
    account_sid: media.accountSid,
    content_type: media.contentType,
    date_created: rfc2822(media.createdAt),
    date_updated: rfc2822(media.createdAt),
    parent_sid: media.messageSid,
    sid: media.sid,
    uri: `${mediaPath(media)}.json`,
  };
}
