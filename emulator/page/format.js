// Text for the simulator: WhatsApp's formatting over escaped text, times, day labels, file sizes and a voice note's length.

export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** WhatsApp's formatting (```mono```, `code`, *bold*, _italic_, ~strike~, > quote, links) over escaped text: no HTML from a message is ever rendered. */
export function formatWhatsApp(raw) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let text = raw.replace(/[\u0000]/g, "");
  text = text.replace(/```\n?([\s\S]*?)\n?```\n?/g, (_, code) => hold(`<pre>${escapeHtml(code)}</pre>`));
  text = escapeHtml(text);
  text = text.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${code}</code>`));
  text = text.replace(/https?:\/\/[^\s<]*[^\s<.,;:!?)'"&]/g, (url) => hold(`<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`));
  const wrap = (mark, tag) => {
    const m = mark.replace(/[*~]/, "\\$&");
    const pattern = new RegExp(`(^|[^\\w${m}])${m}(?=\\S)([^${m}\\n]*?\\S)${m}(?![\\w${m}])`, "g");
    text = text.replace(pattern, `$1<${tag}>$2</${tag}>`);
  };
  wrap("*", "strong");
  wrap("_", "em");
  wrap("~", "del");
  // A quote is a line that starts with "> "; a run of them is one block (its line break is the block's own).
  text = text.replace(/(?:^|(?<=\n))((?:&gt; [^\n]*(?:\n|$))+)/g, (block) => `<blockquote>${block.replace(/\n$/, "").split("\n").map((line) => line.slice("&gt; ".length)).join("\n")}</blockquote>`);
  return text.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
}

export function clock(at) {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function dayLabel(at) {
  const day = new Date(at).toDateString();
  const today = new Date();
  if (day === today.toDateString()) return "Today";
  if (day === new Date(today.getTime() - 86400000).toDateString()) return "Yesterday";
  return new Date(at).toLocaleDateString([], { day: "numeric", month: "long", year: "numeric" });
}

export function fileSize(bytes) {
  if (bytes === null || bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A voice note's length as both apps show it: 0:07, 1:05. */
export function voiceLength(seconds) {
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
