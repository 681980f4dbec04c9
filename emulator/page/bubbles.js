// One chat bubble as WhatsApp shows it: its text (a template's too), its media, its quick-reply buttons under it, its ticks. Built with DOM calls, never from message HTML.
import { clock, fileSize, formatWhatsApp, voiceLength } from "./format.js";

const ICONS = {
  clock: '<svg viewBox="0 0 16 12"><circle cx="8" cy="6" r="4.6" fill="none" stroke="currentColor" stroke-width="1.2"/><path d="M8 3.6V6l1.6 1.1" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round"/></svg>',
  sent: '<svg viewBox="0 0 16 12"><path d="M3.2 6.3l2.7 2.6L12 2.6" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  double: '<svg viewBox="0 0 16 12"><path d="M1 6.3l2.7 2.6L9.8 2.6M7.2 8.3l.7.6L14 2.6" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  failed: '<svg viewBox="0 0 16 12"><circle cx="8" cy="6" r="5.2" fill="currentColor"/><path d="M8 3.3v3.3M8 8.3v.4" stroke="#fff" stroke-width="1.5" stroke-linecap="round"/></svg>',
};

const STATUS_TITLES = {
  queued: "Queued at Twilio", accepted: "Accepted by Twilio", sent: "Sent",
  delivered: "Delivered", read: "Read", failed: "Not delivered",
};

/** What Twilio's delivery failures mean, in a few words. */
const ERRORS = {
  63016: "outside the 24-hour window",
  11200: "the relay did not accept the webhook",
  63019: "the media could not be downloaded",
  12300: "WhatsApp does not take this media type",
  11751: "the media is over WhatsApp's size limit",
  63005: "WhatsApp refused the content (over 3 buttons without approval?)",
  63021: "the template's text is over 1024 characters",
};

function tickIcon(status) {
  if (status === "failed") return ICONS.failed;
  if (status === "delivered" || status === "read") return ICONS.double;
  if (status === "sent") return ICONS.sent;
  return ICONS.clock;
}

function errorText(code) {
  return ERRORS[code] ? `Not delivered · ${code}: ${ERRORS[code]}` : `Not delivered${code ? ` · error ${code}` : ""}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function spacer() {
  return element("span", "spacer");
}

function textElement(body) {
  const text = element("div", "text");
  text.dataset.testid = "message-body";
  text.innerHTML = formatWhatsApp(body);
  return text;
}

/**
 * A voice note as both apps show one: a microphone, a player, and its length (the sender's
 * `knownSeconds`, or what the browser reads from the file). Ogg Opus is what WhatsApp records and
 * plays as a voice message, and what Telegram's sendVoice takes.
 */
export function voiceNoteElement(url, knownSeconds) {
  const note = element("div", "voice-note");
  note.dataset.testid = "media-voice";
  const audio = Object.assign(element("audio"), { src: url, controls: true, preload: "metadata" });
  audio.dataset.testid = "media-audio";
  const length = element("span", "voice-length", knownSeconds ? voiceLength(knownSeconds) : "");
  length.dataset.testid = "voice-length";
  audio.addEventListener("loadedmetadata", () => {
    if (!knownSeconds && Number.isFinite(audio.duration)) length.textContent = voiceLength(audio.duration);
  });
  note.append(element("span", "voice-mic", "🎤"), audio, length);
  return note;
}

/** An image or video inline, an Ogg voice note, other audio with a player, anything else as a named link; a placeholder until Twilio has fetched it. */
function mediaElement(media, status) {
  const box = element("div", "media");
  if (!media.url) {
    const pending = element("div", "media-pending", status === "failed" ? "Media could not be fetched" : "Fetching media…");
    pending.dataset.testid = "media-pending";
    box.append(pending);
    return box;
  }
  const type = (media.contentType || "").split(";")[0].trim();
  const name = media.filename || type || "file";
  let view;
  if (type.startsWith("image/")) {
    view = Object.assign(element("img"), { src: media.url, alt: name, loading: "lazy" });
    view.dataset.testid = "media-image";
  } else if (type === "audio/ogg") {
    view = voiceNoteElement(media.url);
  } else if (type.startsWith("audio/")) {
    view = Object.assign(element("audio"), { src: media.url, controls: true, preload: "metadata" });
    view.dataset.testid = "media-audio";
  } else if (type.startsWith("video/")) {
    view = Object.assign(element("video"), { src: media.url, controls: true, preload: "metadata" });
    view.dataset.testid = "media-video";
  } else {
    view = Object.assign(element("a", "media-document"), { href: media.url, download: name, target: "_blank", rel: "noopener" });
    view.dataset.testid = "media-document";
    const label = element("span", "name", name);
    const details = element("small", "", [type, fileSize(media.size)].filter(Boolean).join(" · "));
    const about = element("span", "file-info");
    about.append(label, details);
    view.append(element("span", "icon", (type.split("/")[1] || "file").slice(0, 4).toUpperCase()), about);
  }
  view.dataset.contentType = type;
  box.append(view);
  return box;
}

function renderBody(bubble, message, quoteOf) {
  // A template (a quick reply's buttons, or a message outside the 24-hour window) shows as WhatsApp
  // shows it: its text and buttons, nothing of its ContentSid (the row's data-template keeps it).
  if (message.replyTo) {
    const quote = element("div", "quote", quoteOf(message.replyTo));
    quote.dataset.testid = "reply-quote";
    bubble.append(quote);
  }
  for (const media of message.media || []) bubble.append(mediaElement(media, message.status));
  // The spacer keeps the time and ticks, laid over the bubble's corner, clear of the last line.
  if (message.body || !(message.media || []).length) bubble.append(textElement(message.body || ""));
  (bubble.lastElementChild?.classList.contains("text") ? bubble.lastElementChild : bubble).append(spacer());
}

function quickReplies(message, onTap) {
  const row = element("div", "quick-replies");
  row.dataset.testid = "quick-replies";
  message.buttons.forEach((button, index) => {
    const tap = element("button", "", button.title);
    tap.type = "button";
    tap.dataset.testid = "quick-reply";
    tap.dataset.id = button.id;
    tap.addEventListener("click", () => onTap(message, index));
    row.append(tap);
  });
  return row;
}

/** `onTap(message, index)` taps a button; `quoteOf(sid)` is the text of the message a tap answers. */
export function messageElement(message, { onTap, quoteOf }) {
  const row = element("div", `row ${message.direction}`);
  Object.assign(row.dataset, { testid: "message", direction: message.direction, sid: message.sid });
  if (message.contentSid) row.dataset.template = message.contentSid;
  const bubble = element("div", "bubble");
  renderBody(bubble, message, quoteOf);
  const meta = element("span", "meta");
  const time = element("time", "", clock(message.at));
  time.dateTime = new Date(message.at).toISOString();
  const ticks = element("span", "ticks");
  ticks.dataset.testid = "ticks";
  meta.append(time, ticks);
  bubble.append(meta);
  row.append(bubble);
  if ((message.buttons || []).length) row.append(quickReplies(message, onTap));
  applyStatus(row, message);
  return row;
}

export function applyStatus(row, message) {
  row.dataset.status = message.status;
  const ticks = row.querySelector(".ticks");
  ticks.innerHTML = tickIcon(message.status);
  ticks.title = STATUS_TITLES[message.status] || message.status;
  row.querySelector(".failure")?.remove();
  if (message.status === "failed") {
    const failure = element("div", "failure");
    failure.dataset.testid = "failure";
    failure.append(element("b", "", "!"), errorText(message.errorCode));
    row.append(failure);
  }
}

export function typingElement() {
  const row = element("div", "row out first");
  row.dataset.testid = "typing";
  row.id = "typing";
  const bubble = element("div", "bubble typing-bubble");
  bubble.setAttribute("aria-label", "typing");
  bubble.append(element("i"), element("i"), element("i"));
  row.append(bubble);
  return row;
}
