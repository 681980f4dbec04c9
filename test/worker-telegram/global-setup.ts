// The worker project's stand-ins (Twilio, the VM, the transcriber), and the Bot API stand-in.
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
  const stopWorkerStandIns = await workerSetup(project);
  const telegram = await startTelegramEmulator({ port: 0, token: TEST_TELEGRAM_TOKEN });
  project.provide("telegramBase", telegram.url);
  return async () => {
    await telegram.close();
    await stopWorkerStandIns();
  };
}
