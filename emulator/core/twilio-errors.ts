// Twilio's REST error bodies, with the codes and messages Twilio documents for each failure.
export type TwilioError = { status: number; code: number; message: string };

export type TwilioErrorBody = TwilioError & { more_info: string };

export function twilioErrorBody(error: TwilioError): TwilioErrorBody {
  return {
    code: error.code,
    message: error.message,
    more_info: `https://www.twilio.com/docs/errors/${error.code}`,
    status: error.status,
  };
}

export const TwilioErrors = {
  authenticate: { status: 401, code: 20003, message: "Authenticate" },
  tooManyRequests: { status: 429, code: 20429, message: "Too Many Requests" },
  internal: (status: 500 | 503) => ({ status, code: 20500, message: "Internal Server Error" }),
  notFound: (path: string) => ({
    status: 404,
    code: 20404,
    message: `The requested resource ${path} was not found`,
  }),
  missingParameter: (name: string) => ({
    status: 400,
    code: 20001,
    message: `Missing required parameter ${name} in the post body`,
  }),
  invalidParameter: (name: string) => ({
    status: 400,
    code: 20001,
    message: `Invalid parameter ${name}`,
  }),
  toRequired: { status: 400, code: 21604, message: "A 'To' phone number is required." },
  fromRequired: { status: 400, code: 21603, message: "A 'From' phone number is required." },
  bodyRequired: { status: 400, code: 21602, message: "Message body is required." },
  bodyTooLong: {
    status: 400,
    code: 21617,
    message: "The concatenated message body exceeds the 1600 character limit.",
  },
  invalidTo: (to: string) => ({ status: 400, code: 21211, message: `Invalid 'To' Phone Number: ${to}` }),
  channelMismatch: {
    status: 400,
    code: 21910,
    message: "Invalid From and To pair. From and To should be of the same channel",
  },
  unknownSender: {
    status: 400,
    code: 63007,
    message: "Twilio could not find a Channel with the specified From address",
  },
  invalidStatusCallback: { status: 400, code: 21609, message: "Invalid StatusCallback" },
  invalidContentVariables: {
    status: 400,
    code: 21656,
    message: "The ContentVariables Parameter is invalid.",
  },
  contentVariableTooLong: { status: 400, code: 21658, message: "Parameter exceeded character limit" },
  invalidContentSid: { status: 400, code: 21655, message: "The ContentSid is Invalid" },
  /** A list's filter or page Twilio cannot read (a DateSent that is no GMT date, a PageSize over 1000). */
  invalidListQuery: (name: string) => ({ status: 400, code: 20001, message: `Invalid value for ${name}` }),
  invalidMediaUrl: { status: 400, code: 21620, message: "Invalid media URL(s)" },
  tooManyMedia: { status: 400, code: 21623, message: "Number of media files exceeds allowed limit" },
  /** The Content API answers a bad create body with Twilio's generic 20001 and a message naming the field. */
  invalidContent: (message: string) => ({ status: 400, code: 20001, message }),
} as const;

/** What an injected fault or outage answers: Twilio's rate limit for 429, its internal error for 5xx. */
export function injectedError(status: 429 | 500 | 503): TwilioError {
  return status === 429 ? TwilioErrors.tooManyRequests : TwilioErrors.internal(status);
}

/** A failure Twilio reports after the 201, by status callback, never in the create answer. */
export type DeliveryFailure = { code: number; message: string };

/** The delivery failure Twilio reports (by status callback) for free-form WhatsApp messages outside the 24-hour window. */
export const OUTSIDE_WINDOW = {
  code: 63016,
  message:
    "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.",
} as const;

/**
 * 63016 in the create's own answer, as a counted fault only (`/__emulator/faults` with `code`):
 * Twilio documents it as a delivery failure reported by status callback, which is what the
 * emulator does by default (delivery-plan.ts). The relay must survive both; this is the shape the
 * REST API gives any refusal of a create: 400 and Twilio's error body.
 */
export const OUTSIDE_WINDOW_AT_CREATE: TwilioError = { status: 400, ...OUTSIDE_WINDOW };

/** Delivery failures of messages with media (Twilio fetches each MediaUrl after the 201) or buttons. */
export const DeliveryFailures = {
  mediaDownload: { code: 63019, message: "Media failed to download" },
  mediaContentType: { code: 12300, message: "Invalid Content-Type" },
  mediaTooLarge: { code: 11751, message: "Media exceeds messaging provider size limit" },
  /** A template or quick reply whose text, variables filled in, is over WhatsApp's 1024 characters. */
  contentTooLong: { code: 63021, message: "Channel invalid content error" },
  /** What WhatsApp's refusal of an unapproved in-session quick reply with more than three buttons comes back as. */
  channelRejected: {
    code: 63005,
    message: "Channel did not accept given content. Please see Channel specific error message for more information",
  },
} as const satisfies Record<string, DeliveryFailure>;
