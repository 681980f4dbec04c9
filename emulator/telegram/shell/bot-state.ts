// What the Bot API stand-in remembers: the bot, its webhook and commands, each user's private chat
// (messages the bot sent, edits, typing, answered taps), the files both ways, and injected faults.
import type { MessageEntity } from "../core/html-entities";

export type Keyboard = { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };

export type StoredFile = { fileId: string; fileUniqueId: string; filePath: string; bytes: Uint8Array; contentType: string; name: string | null };

export type BotMessage = {
  message_id: number;
  date: number;
  text?: string;
  caption?: string;
  entities?: MessageEntity[];
  reply_markup?: Keyboard;
  edit_date?: number;
  document?: { file_id: string; file_unique_id: string; file_name?: string; mime_type: string; file_size: number };
  photo?: { file_id: string; file_unique_id: string; width: number; height: number; file_size: number }[];
  voice?: { file_id: string; file_unique_id: string; duration: number; mime_type: string; file_size: number };
  /** The stand-in's own record: what the bot sent, in the order it sent it (edits keep the place). */
  direction: "bot" | "user";
};

export type Chat = {
  id: number;
  firstName: string;
  blocked: boolean;
  messages: BotMessage[];
  typing: { action: string; at: number } | null;
  nextMessageId: number;
};

export type CallbackQueryRecord = { id: string; chatId: number; createdAt: number; answered: { text: string | null; showAlert: boolean } | null };

export type Fault = { method: string | null; status: 429 | 500 | 502; retryAfter: number; count: number };

export type BotState = {
  bot: { id: number; token: string; username: string; firstName: string };
  webhook: { url: string; secretToken: string | null; allowedUpdates: string[] | null } | null;
  commands: { command: string; description: string }[];
  chats: Map<number, Chat>;
  files: Map<string, StoredFile>;
  callbackQueries: Map<string, CallbackQueryRecord>;
  faults: Fault[];
  nextUpdateId: number;
  nextFile: number;
};

export function createBotState(token: string, username: string): BotState {
  const id = Number(token.split(":")[0]);
  return {
    bot: { id, token, username, firstName: username.replace(/_?bot$/i, "") || username },
    webhook: null,
    commands: [],
    chats: new Map(),
    files: new Map(),
    callbackQueries: new Map(),
    faults: [],
    // Telegram's update ids "start from a certain positive number and increase sequentially": one
    // from the clock, so a restarted stand-in never repeats the ids of a relay that kept its
    // storage (`npm start` keeps the objects' SQLite; a repeat would be dropped as a duplicate).
    nextUpdateId: firstUpdateId(Date.now()),
    nextFile: 1,
  };
}

/**
 * The first update id of a stand-in started at `now`: tenths of a second since 2026, so a later
 * start begins above an earlier one's ids unless that one gave more than ten a second.
 */
export function firstUpdateId(now: number): number {
  return Math.max(1, Math.floor((now - Date.UTC(2026, 0, 1)) / 100));
}

/** A user's private chat, made the first time they write (as /start does on Telegram). */
export function chatOf(state: BotState, userId: number, firstName = "User"): Chat {
  let chat = state.chats.get(userId);
  if (!chat) {
    chat = { id: userId, firstName, blocked: false, messages: [], typing: null, nextMessageId: 1 };
    state.chats.set(userId, chat);
  }
  return chat;
}

const EXTENSIONS: Readonly<Record<string, string>> = { "image/jpeg": "jpg", "image/png": "png", "audio/ogg": "oga", "audio/mpeg": "mp3", "audio/mp4": "m4a", "application/pdf": "pdf", "text/plain": "txt" };

/** Keeps a file and gives it ids and a path, as Telegram's `photos/file_3.jpg`, `voice/file_4.oga`. */
export function storeFile(state: BotState, bytes: Uint8Array, contentType: string, name: string | null, folder: "photos" | "documents" | "voice"): StoredFile {
  const n = state.nextFile++;
  const ext = EXTENSIONS[contentType.split(";")[0]!.trim()] ?? name?.split(".").pop() ?? "bin";
  const file = { fileId: `BQAC${String(n).padStart(6, "0")}${state.bot.id}`, fileUniqueId: `AgAD${n}`, filePath: `${folder}/file_${n}.${ext}`, bytes, contentType, name };
  state.files.set(file.fileId, file);
  return file;
}

/** The next injected fault for `method`, used up as it is taken. */
export function takeFault(state: BotState, method: string): Fault | null {
  const index = state.faults.findIndex((f) => f.method === null || f.method.toLowerCase() === method.toLowerCase());
  if (index === -1) return null;
  const fault = state.faults[index]!;
  if (fault.count <= 1) state.faults.splice(index, 1);
  else state.faults[index] = { ...fault, count: fault.count - 1 };
  return fault;
}
