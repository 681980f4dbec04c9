// The menu Telegram shows beside the text box (setMyCommands): the relay's commands as /help lists
// them, in Telegram's shape; admins' commands stay out of everyone's menu. The lines are handed in
// (commands/' COMMAND_HELP, by scripts/stack/telegram-webhook-setup.ts): channels/ knows no command.

export type BotCommand = { command: string; description: string };

/** BotCommand: "1-32 characters. Can contain only lowercase English letters, digits and underscores." */
const COMMAND = /^[a-z0-9_]{1,32}$/;
const DESCRIPTION_MAX = 256;
/** setMyCommands takes at most 100. */
const MAX_COMMANDS = 100;

/** One entry per command word, first usage first; `/new <name>` and `/new` are one entry. */
export function telegramCommands(help: ReadonlyArray<{ usage: string; description: string }>): BotCommand[] {
  const commands = new Map<string, string>();
  for (const { usage, description } of help) {
    if (description.startsWith("admins:")) continue;
    const word = /^\/([A-Za-z0-9_]+)/.exec(usage)?.[1]?.toLowerCase();
    if (!word || !COMMAND.test(word) || commands.has(word)) continue;
    const text = description.charAt(0).toUpperCase() + description.slice(1);
    commands.set(word, text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`);
  }
  return [...commands].slice(0, MAX_COMMANDS).map(([command, description]) => ({ command, description }));
}
