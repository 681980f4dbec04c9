// The worker projects' stand-ins (Twilio, the VM, the transcriber), plus the Telegram Bot API
// stand-in (emulator/telegram/) on a free port.
import type { TestProject } from "vitest/node";
import { startTelegramEmulator } from "../../emulator/telegram/server";
import workerSetup from "../worker/global-setup";
import { TEST_TELEGRAM_TOKEN } from "./telegram-env";

declare module "vitest" {
  export interface ProvidedContext {
    telegramBase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const closeWorkerStandIns = await workerSetup(project);
  try {
    const telegram = await startTelegramEmulator({ port: 0, token: TEST_TELEGRAM_TOKEN });
    project.provide("telegramBase", telegram.url);
    return async () => {
      await telegram.close();
      await closeWorkerStandIns();
    };
  } catch (error) {
    await closeWorkerStandIns();
    throw error;
  }
}
