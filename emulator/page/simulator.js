// The phone simulator: follows one phone's conversation live and sends what its user types, attaches or taps, as Twilio would.
import { applyStatus, messageElement, typingElement } from "./bubbles.js";
import { dayLabel, fileSize } from "./format.js";
import { renderPeople } from "./people.js";
import { renderChannelTabs, startTelegram } from "./telegram.js";

const $ = (id) => document.getElementById(id);
const wall = $("wall");
const composer = $("composer");
const sendButton = $("send");
const fileInput = $("file-input");
const state = { phone: null, whatsappFrom: "", users: [], messages: new Map(), typing: false, attachment: null };

function nearBottom() {
  return wall.scrollHeight - wall.scrollTop - wall.clientHeight < 120;
}

function scrollDown() {
  wall.scrollTop = wall.scrollHeight;
}

/**
 * Keeps the newest message in view while media that arrived with it load: an image is 0 px tall
 * until it has loaded, so the scroll made when its message came falls short by the image's
 * height. Each media element still loading scrolls the chat down again once it has its size, if
 * the reader was at the bottom then (scrolled up to read, they stay where they are).
 */
function followMedia(wall) {
  let following = true;
  const atBottom = () => wall.scrollHeight - wall.scrollTop - wall.clientHeight < 120;
  wall.addEventListener("scroll", () => (following = atBottom()), { passive: true });
  return {
    /** After a render: the chat is at the bottom (or not) as the render left it. */
    rendered() {
      following = atBottom();
      for (const media of wall.querySelectorAll("img, video")) {
        const ready = media.tagName === "IMG" ? media.complete : media.readyState >= 1;
        if (ready) continue;
        media.addEventListener(media.tagName === "IMG" ? "load" : "loadedmetadata", () => {
          if (following) wall.scrollTop = wall.scrollHeight;
        }, { once: true });
      }
    },
  };
}
const media = followMedia(wall);

/** The first line of the message a button tap answers, for its quote. */
function quoteOf(sid) {
  const original = state.messages.get(sid);
  return original ? (original.body || "Media").split("\n")[0] : "Message";
}

function render() {
  wall.replaceChildren();
  const list = [...state.messages.values()];
  if (list.length === 0 && !state.typing) {
    const empty = document.createElement("div");
    empty.className = "empty";
    empty.textContent = "Messages you send here are posted to the relay exactly as Twilio would post them, signed. Replies arrive live.";
    wall.append(empty);
  }
  let previous = null;
  for (const message of list) {
    const label = dayLabel(message.at);
    if (!previous || dayLabel(previous.at) !== label) {
      const day = document.createElement("div");
      day.className = "day";
      const chip = document.createElement("span");
      chip.textContent = label;
      day.append(chip);
      wall.append(day);
      previous = null;
    }
    const row = messageElement(message, { onTap: tap, quoteOf });
    if (!previous || previous.direction !== message.direction) row.classList.add("first");
    wall.append(row);
    previous = message;
  }
  if (state.typing) wall.append(typingElement());
  renderSubtitle();
}

function renderSubtitle() {
  const subtitle = $("subtitle");
  subtitle.className = state.typing ? "typing-now" : "";
  subtitle.textContent = state.typing ? "typing…" : `via ${state.whatsappFrom.replace("whatsapp:", "WhatsApp ")}`;
}

function onEvent(type, data) {
  const follow = nearBottom();
  if (type === "history") {
    state.messages = new Map(data.messages.map((m) => [m.sid, m]));
    state.typing = data.typing;
  } else if (type === "message") {
    // WhatsApp drops the typing bubble when the answer arrives (not when a sent message's media turns up).
    if (data.message.direction === "out" && !state.messages.has(data.message.sid)) state.typing = false;
    state.messages.set(data.message.sid, data.message);
  } else if (type === "status") {
    const message = state.messages.get(data.sid);
    if (!message) return;
    Object.assign(message, { status: data.status, errorCode: data.errorCode });
    const row = wall.querySelector(`[data-sid="${CSS.escape(data.sid)}"]`);
    if (row) applyStatus(row, message);
    return;
  } else if (type === "typing") {
    state.typing = data.on;
  }
  render();
  if (follow || type === "history" || (type === "message" && data.message.direction === "in")) scrollDown();
  media.rendered();
}

function connect() {
  const connection = $("connection");
  const source = new EventSource(`/__emulator/events?phone=${encodeURIComponent(state.phone)}`);
  for (const type of ["history", "message", "status", "typing"]) {
    source.addEventListener(type, (event) => onEvent(type, JSON.parse(event.data)));
  }
  source.addEventListener("open", () => {
    connection.dataset.state = "live";
    connection.textContent = "live";
  });
  source.addEventListener("error", () => {
    connection.dataset.state = "down";
    connection.textContent = "reconnecting";
  });
}

/** Whether the newest message sits in the chat's lower half (a full chat), where a toast above the composer would cover it. */
function newestIsLow() {
  const rows = wall.querySelectorAll("[data-testid=message]");
  if (rows.length === 0) return false;
  const box = wall.getBoundingClientRect();
  return rows[rows.length - 1].getBoundingClientRect().bottom > box.top + box.height / 2;
}

/**
 * A toast: `error` (red, above the composer) for what went wrong; `info` (Telegram's neutral
 * toast) for an app's own answer, put in the half of the chat away from the newest message.
 */
function showNotice(text, testid = "notice", tone = "error") {
  const notice = document.createElement("div");
  notice.className = tone === "info" ? "notice info" : "notice";
  notice.dataset.testid = testid;
  notice.textContent = text;
  $(tone === "info" && newestIsLow() ? "toasts-top" : "toasts").append(notice);
  setTimeout(() => notice.remove(), tone === "info" ? 3000 : 8000);
}

/** Posts to a control route; the relay's refusal, or the emulator's, becomes a notice. */
async function post(path, payload) {
  try {
    const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) showNotice(`Not sent to the relay: ${answer.error || response.status}`);
    else if (answer.status >= 300) showNotice(`The relay answered HTTP ${answer.status}.`);
  } catch (error) {
    showNotice(`The emulator is unreachable: ${error.message}`);
  }
}

async function send() {
  const body = composer.value.trim();
  const attachment = state.attachment;
  if (!body && !attachment) return;
  composer.value = "";
  setAttachment(null);
  resizeComposer();
  await post("/__emulator/inbound", { from: state.phone, body, ...(attachment ? { media: [attachment] } : {}) });
}

function tap(message, index) {
  post("/__emulator/tap", { messageSid: message.sid, index });
}

/** The chosen file, read as base64: sent with the next message, the composer's text as its caption. */
function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function setAttachment(attachment) {
  state.attachment = attachment;
  const pending = $("pending");
  pending.hidden = !attachment;
  $("pending-name").textContent = attachment ? `${attachment.filename} · ${fileSize(attachment.size)}` : "";
  if (!attachment) fileInput.value = "";
  resizeComposer();
}

async function attach() {
  const file = fileInput.files?.[0];
  if (!file) return;
  try {
    const base64 = await readFile(file);
    setAttachment({ contentType: file.type || "application/octet-stream", base64, filename: file.name, size: file.size });
    composer.focus();
  } catch (error) {
    showNotice(`Could not read ${file.name}: ${error.message}`);
  }
}

function resizeComposer() {
  composer.style.height = "auto";
  composer.style.height = `${Math.min(composer.scrollHeight, 140)}px`;
  sendButton.disabled = composer.value.trim() === "" && !state.attachment;
}

async function start() {
  const info = await (await fetch("/__emulator/users")).json();
  state.users = info.users;
  state.whatsappFrom = info.whatsappFrom;
  const asked = new URLSearchParams(location.search).get("phone");
  // A `+` typed by hand into the address bar arrives as a space.
  state.phone = asked ? asked.trim().replace(/^(?=\d)/, "+") : info.users[0]?.phone || "+15551230001";
  document.title = `${state.users.find((u) => u.phone === state.phone)?.name || state.phone} · Phone simulator`;
  renderPeople({ users: state.users, phone: state.phone, inboundWebhookUrl: info.inboundWebhookUrl });
  render();
  connect();
  composer.focus();
}

function startWhatsApp() {
  $("composer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  composer.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  composer.addEventListener("input", resizeComposer);
  $("attach").addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", attach);
  $("pending-remove").addEventListener("click", () => setAttachment(null));
  renderChannelTabs("whatsapp");
  start();
}

// ?channel=telegram: the Telegram view, from the Bot API stand-in; otherwise WhatsApp, as Twilio.
if (new URLSearchParams(location.search).get("channel") === "telegram") startTelegram({ showNotice, followMedia });
else startWhatsApp();
