// The Bot API's answers: `{ ok: true, result }`, or `{ ok: false, error_code, description, parameters? }`
// with the HTTP status equal to error_code. Descriptions are Telegram's own wording where it is
// documented or widely reported; docs/channels.md names the ones reconstructed.

export type BotApiError = { error_code: 400 | 401 | 403 | 404 | 413 | 429 | 500 | 502; description: string; parameters?: { retry_after?: number } };

const error = (code: BotApiError["error_code"], description: string): BotApiError => ({ error_code: code, description });

export const BotErrors = {
  unauthorized: () => error(401, "Unauthorized"),
  notFound: () => error(404, "Not Found"),
  blocked: () => error(403, "Forbidden: bot was blocked by the user"),
  chatNotFound: () => error(400, "Bad Request: chat not found"),
  missing: (parameter: string) => error(400, `Bad Request: ${parameter} is empty`),
  textEmpty: () => error(400, "Bad Request: message text is empty"),
  textTooLong: () => error(400, "Bad Request: message is too long"),
  captionTooLong: () => error(400, "Bad Request: message caption is too long"),
  cantParse: (detail: string) => error(400, `Bad Request: can't parse entities: ${detail}`),
  badParseMode: () => error(400, "Bad Request: unsupported parse_mode"),
  buttonData: () => error(400, "Bad Request: BUTTON_DATA_INVALID"),
  badMarkup: (detail: string) => error(400, `Bad Request: can't parse reply keyboard markup JSON object: ${detail}`),
  messageToEditNotFound: () => error(400, "Bad Request: message to edit not found"),
  notModified: () =>
    error(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"),
  queryTooOld: () => error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid"),
  badAction: () => error(400, "Bad Request: wrong parameter action in request"),
  invalidFileId: () => error(400, "Bad Request: invalid file_id"),
  fileTooBig: () => error(400, "Bad Request: file is too big"),
  badDuration: () => error(400, "Bad Request: wrong duration specified"),
  wrongFileUrl: (detail: string) => error(400, `Bad Request: wrong HTTP URL specified: ${detail}`),
  entityTooLarge: () => error(413, "Request Entity Too Large"),
  badWebhook: (detail: string) => error(400, `Bad Request: bad webhook: ${detail}`),
  badCommands: (detail: string) => error(400, `Bad Request: ${detail}`),
  tooManyRequests: (retryAfter: number): BotApiError => ({ error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } }),
  injected: (code: 500 | 502): BotApiError => error(code, code === 500 ? "Internal Server Error" : "Bad Gateway"),
} as const;

export function errorBody(e: BotApiError): { ok: false } & BotApiError {
  return { ok: false, ...e };
}
