// CLI: the Telegram Bot API stand-in, configured from flags or the environment:
//   tsx emulator/telegram/main.ts --port 4290 --token 123456:local-token-for-the-emulator [--username local_agent_bot]
import { parseArgs } from "node:util";
import { z } from "zod";
import { startTelegramEmulator, TelegramEmulatorOptionsSchema } from "./server";

const { values } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" }, token: { type: "string" }, username: { type: "string" } } });
const env = process.env;
const parsed = TelegramEmulatorOptionsSchema.omit({ now: true })
  .extend({ port: z.coerce.number().int().min(0).max(65535).default(4290) })
  .safeParse({
    port: values.port ?? env.TELEGRAM_EMULATOR_PORT,
    host: values.host ?? env.TELEGRAM_EMULATOR_HOST,
    token: values.token ?? env.TELEGRAM_BOT_TOKEN,
    username: values.username ?? env.TELEGRAM_EMULATOR_USERNAME,
  });
if (!parsed.success) {
  console.error(`[telegram] bad arguments:\n${z.prettifyError(parsed.error)}`);
  process.exit(2);
}

try {
  const telegram = await startTelegramEmulator(parsed.data);
  console.log(`[telegram] Bot API stand-in on ${telegram.url} (bot @${parsed.data.username ?? "local_agent_bot"}); set TELEGRAM_API_BASE=${telegram.url}`);
  const stop = () => void telegram.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === "EADDRINUSE" ? `[telegram] the port is already in use: ${(error as Error).message}` : `[telegram] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
