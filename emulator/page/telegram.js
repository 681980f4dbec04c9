// The simulator's Telegram view (?channel=telegram&user=<id>): one user's private chat with the bot
// as the Bot API stand-in keeps it (polled: Telegram's clients get no event stream from it either),
// writing and files sent as that user, inline buttons that press, edits shown in place.
import { clock, fileSize } from "./format.js";
import { typingElement, voiceNoteElement } from "./bubbles.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 500;
/** A chat action shows for 5 s, or until the bot's next message (Telegram's rule). */
const TYPING_MS = 5000;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Shows the WhatsApp and Telegram tabs when the emulator has a Telegram stand-in; returns its users. */
export async function renderChannelTabs(current) {
  const info = await fetch("/__simulator/telegram").then((r) => r.json()).catch(() => ({ enabled: false, users: [] }));
  const nav = $("channels");
  nav.hidden = !info.enabled;
  for (const link of nav.querySelectorAll("a")) link.classList.toggle("current", link.dataset.channel === current);
  return info;
}

const TAGS = { bold: "strong", italic: "em", underline: "u", strikethrough: "del", code: "code", pre: "pre", text_link: "a", spoiler: "span" };

/** Text with Telegram's entities (UTF-16 offsets, as JavaScript counts) as DOM nodes, never as HTML. */
function richText(text, entities) {
  const box = element("div", "text");
  box.dataset.testid = "message-body";
  const cuts = new Set([0, text.length]);
  for (const e of entities) cuts.add(e.offset).add(Math.min(text.length, e.offset + e.length));
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    let node = document.createTextNode(text.slice(from, to));
    for (const e of entities.filter((x) => x.offset <= from && x.offset + x.length >= to && TAGS[x.type])) {
      const wrap = element(TAGS[e.type]);
      if (e.type === "text_link") Object.assign(wrap, { href: e.url, target: "_blank", rel: "noopener noreferrer" });
      wrap.append(node);
      node = wrap;
    }
    box.append(node);
  }
  return box;
}

function fileElement(message) {
  const box = element("div", "media");
  if (message.voice) {
    box.append(voiceNoteElement(`/__telegram/files/${encodeURIComponent(message.voice.file_id)}`, message.voice.duration));
  } else if (message.photo) {
    const largest = message.photo[message.photo.length - 1];
    const img = Object.assign(element("img"), { src: `/__telegram/files/${encodeURIComponent(largest.file_id)}`, alt: "photo" });
    img.dataset.testid = "media-image";
    box.append(img);
  } else {
    const doc = message.document;
    const name = doc.file_name || doc.mime_type || "file";
    const link = Object.assign(element("a", "media-document"), { href: `/__telegram/files/${encodeURIComponent(doc.file_id)}`, download: name, target: "_blank", rel: "noopener" });
    link.dataset.testid = "media-document";
    const about = element("span", "file-info");
    about.append(element("span", "name", name), element("small", "", [doc.mime_type, fileSize(doc.file_size)].filter(Boolean).join(" · ")));
    link.append(element("span", "icon", (doc.mime_type.split("/")[1] || "file").slice(0, 4).toUpperCase()), about);
    box.append(link);
  }
  return box;
}

function messageRow(message, onPress) {
  const direction = message.direction === "user" ? "in" : "out";
  const row = element("div", `row ${direction}`);
  Object.assign(row.dataset, { testid: "message", direction, messageId: String(message.message_id) });
  const bubble = element("div", "bubble");
  const file = message.photo || message.document || message.voice;
  if (file) bubble.append(fileElement(message));
  const text = message.text ?? message.caption;
  if (text !== undefined || !file) bubble.append(richText(text ?? "", message.entities ?? message.caption_entities ?? []));
  const meta = element("span", "meta");
  if (message.edit_date) {
    const edited = element("span", "edited", "edited");
    edited.dataset.testid = "edited";
    meta.append(edited);
  }
  meta.append(element("time", "", clock(message.date * 1000)));
  (bubble.lastElementChild?.classList.contains("text") ? bubble.lastElementChild : bubble).append(element("span", "spacer"));
  bubble.append(meta);
  row.append(bubble);
  const keyboard = message.reply_markup?.inline_keyboard ?? [];
  if (keyboard.length) {
    const rows = element("div", "quick-replies inline-keyboard");
    rows.dataset.testid = "inline-keyboard";
    for (const button of keyboard.flat()) {
      const press = button.url ? Object.assign(element("a", "", button.text), { href: button.url, target: "_blank", rel: "noopener" }) : element("button", "", button.text);
      press.dataset.testid = "inline-button";
      if (!button.url) {
        press.type = "button";
        press.dataset.data = button.callback_data;
        press.addEventListener("click", () => onPress(message, button.callback_data));
      }
      rows.append(press);
    }
    row.append(rows);
  }
  return row;
}

export async function startTelegram({ showNotice, followMedia }) {
  document.body.dataset.channel = "telegram";
  const info = await renderChannelTabs("telegram");
  const wall = $("wall");
  const composer = $("composer");
  const asked = new URLSearchParams(location.search).get("user");
  const user = info.users.find((u) => u.id === asked) ?? (asked ? { id: asked, name: asked } : info.users[0]);
  $("channel-name").textContent = "Bot API stand-in · Telegram";
  const select = $("phone-select");
  select.replaceChildren(...(info.users.some((u) => u.id === user?.id) ? info.users : user ? [user, ...info.users] : []).map((u) => Object.assign(element("option", "", `${u.name} · ${u.id}`), { value: u.id, selected: u.id === user?.id })));
  select.addEventListener("change", () => (location.search = `?channel=telegram&user=${encodeURIComponent(select.value)}`));
  $("people").replaceChildren();
  $("about").replaceChildren("Telegram user ids: add ", element("code", "", "&user=<id>"), " to be someone else. Messages go to the bot's webhook, as Telegram sends them.");
  if (!info.enabled || !user) {
    wall.replaceChildren(element("div", "empty", "No Telegram stand-in is running beside this emulator (npm start runs one)."));
    return;
  }
  document.title = `${user.name} · Telegram · Phone simulator`;
  const base = `/__telegram/users/${encodeURIComponent(user.id)}`;
  const state = { shown: "", answered: new Set(), attachment: null };
  const media = followMedia(wall);

  const render = (chat) => {
    const typing = chat.typing && Date.now() - chat.typing.at < TYPING_MS;
    const key = JSON.stringify([chat.messages, typing]);
    $("subtitle").className = typing ? "typing-now" : "";
    $("subtitle").textContent = typing ? "typing…" : "bot · Telegram";
    for (const answer of chat.callbackAnswers) {
      if (answer.answered && !state.answered.has(answer.id)) {
        state.answered.add(answer.id);
        // Telegram shows a bot's answer to a press as a neutral toast (an alert only with show_alert).
        if (answer.answered.text) showNotice(answer.answered.text, "tap-answer", "info");
      }
    }
    if (key === state.shown) return;
    const follow = wall.scrollHeight - wall.scrollTop - wall.clientHeight < 120;
    state.shown = key;
    wall.replaceChildren(...chat.messages.map((m) => messageRow(m, press)));
    if (chat.messages.length === 0) wall.append(element("div", "empty", "Messages you send here go to the relay's webhook as Telegram's updates. Replies, edits and buttons show here."));
    if (typing) wall.append(typingElement());
    if (follow) wall.scrollTop = wall.scrollHeight;
    media.rendered();
  };
  const poll = async () => {
    const connection = $("connection");
    try {
      const res = await fetch(`${base}/chat`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      render(await res.json());
      connection.dataset.state = "live";
      connection.textContent = "live";
    } catch {
      connection.dataset.state = "down";
      connection.textContent = "reconnecting";
    }
  };
  const post = async (path, payload) => {
    try {
      const res = await fetch(`${base}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
      const answer = await res.json().catch(() => ({}));
      if (answer.delivery && !answer.delivery.ok) showNotice(`Not delivered to the relay: ${answer.delivery.error}`);
      else if (answer.delivery?.status >= 300) showNotice(`The relay answered HTTP ${answer.delivery.status}.`);
      else if (!res.ok) showNotice(`Not sent: ${answer.error || res.status}`);
    } catch (error) {
      showNotice(`The emulator is unreachable: ${error.message}`);
    }
    await poll();
  };
  function press(message, data) {
    void post("press", { messageId: message.message_id, data });
  }

  const send = async () => {
    const text = composer.value.trim();
    const file = state.attachment;
    if (!text && !file) return;
    composer.value = "";
    setAttachment(null);
    const payload = { firstName: user.name };
    if (file) {
      const kind = /^image\/(jpeg|png)$/.test(file.contentType) ? "photo" : "document";
      payload[kind] = { base64: file.base64, contentType: file.contentType, filename: file.filename };
      if (text) payload.caption = text;
    } else payload.text = text;
    await post("messages", payload);
  };
  const setAttachment = (file) => {
    state.attachment = file;
    $("pending").hidden = !file;
    $("pending-name").textContent = file ? `${file.filename} · ${fileSize(file.size)}` : "";
    if (!file) $("file-input").value = "";
    $("send").disabled = composer.value.trim() === "" && !file;
  };
  $("composer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void send();
  });
  composer.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });
  composer.addEventListener("input", () => ($("send").disabled = composer.value.trim() === "" && !state.attachment));
  $("attach").addEventListener("click", () => $("file-input").click());
  $("pending-remove").addEventListener("click", () => setAttachment(null));
  $("file-input").addEventListener("change", () => {
    const file = $("file-input").files?.[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => setAttachment({ contentType: file.type || "application/octet-stream", base64: String(reader.result).split(",")[1] || "", filename: file.name, size: file.size });
    reader.readAsDataURL(file);
  });
  await poll();
  setInterval(poll, POLL_MS);
  composer.focus();
}
