// The JSON Twilio's Content API answers: a Content resource, a page of them, and a template's WhatsApp approval.
import type { ContentDraft } from "./content-request";

export type WhatsAppApproval = { name: string; category: string; status: "approved" };

export type Content = ContentDraft & {
  sid: string;
  accountSid: string;
  createdAt: number;
  updatedAt: number;
  /** Set once an approval request was made; the emulator approves at once. */
  approval: WhatsAppApproval | null;
};

/** The Content API (a newer API than 2010-04-01) writes dates in ISO 8601, to the second. */
export function iso8601(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `base` stands for https://content.twilio.com: the emulator's own origin, so the links can be followed. */
export function toContentResource(content: Content, base: string) {
  const url = `${base}/v1/Content/${content.sid}`;
  return {
    account_sid: content.accountSid,
    date_created: iso8601(content.createdAt),
    date_updated: iso8601(content.updatedAt),
    friendly_name: content.friendlyName,
    language: content.language,
    links: {
      approval_create: `${url}/ApprovalRequests/whatsapp`,
      approval_fetch: `${url}/ApprovalRequests`,
    },
    sid: content.sid,
    types: content.types,
    url,
    variables: content.variables,
  };
}

export type PageRequest = { pageSize: number; page: number };

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Twilio's list shape for its newer APIs: the items under `contents`, paging under `meta` (with `key`). */
export function contentPage(contents: readonly Content[], request: PageRequest, base: string) {
  const { pageSize, page } = request;
  const start = page * pageSize;
  const slice = contents.slice(start, start + pageSize);
  const pageUrl = (index: number) => `${base}/v1/Content?PageSize=${pageSize}&Page=${index}${index > 0 ? `&PageToken=PT${index * pageSize}` : ""}`;
  return {
    contents: slice.map((content) => toContentResource(content, base)),
    meta: {
      page,
      page_size: pageSize,
      first_page_url: pageUrl(0),
      previous_page_url: page > 0 ? pageUrl(page - 1) : null,
      url: pageUrl(page),
      next_page_url: start + pageSize < contents.length ? pageUrl(page + 1) : null,
      key: "contents",
    },
  };
}

/** What POST /v1/Content/{sid}/ApprovalRequests/whatsapp answers: the request as received. */
export function toApprovalCreated(content: Content, approval: WhatsAppApproval) {
  return {
    name: approval.name,
    category: approval.category,
    content_type: primaryType(content),
    status: "received",
    rejection_reason: "",
    allow_category_change: true,
  };
}

/** GET /v1/Content/{sid}/ApprovalRequests: `unsubmitted` until a request was made. */
export function toApprovalFetch(content: Content, base: string) {
  const approval = content.approval;
  return {
    sid: content.sid,
    account_sid: content.accountSid,
    url: `${base}/v1/Content/${content.sid}/ApprovalRequests`,
    whatsapp: {
      type: "whatsapp",
      name: approval?.name ?? "",
      category: approval?.category ?? "",
      content_type: primaryType(content),
      status: approval?.status ?? "unsubmitted",
      rejection_reason: "",
      allow_category_change: true,
    },
  };
}

function primaryType(content: Content): string {
  return content.types["twilio/quick-reply"] ? "twilio/quick-reply" : (Object.keys(content.types)[0] ?? "");
}
