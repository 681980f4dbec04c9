// Starts the stand-ins the Worker's tests talk to over real HTTP: the Twilio emulator and a
// scripted agent VM, on free ports. Status callbacks are off: tests post their own, signed.
import type { TestProject } from "vitest/node";
import { guardRun } from "../../scripts/stack/reaper";
import { useRunTempDir } from "../helpers/run-temp";
import { startTwilioEmulator } from "../../emulator/server";
import { startAnthropicStandIn, TRANSCRIBE_PATH } from "../stand-ins/anthropic-api";
import { startVmStandIn } from "../stand-ins/vm-stand-in";
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_TEMPLATE_SID, TEST_VM_TOKEN } from "./test-env";

declare module "vitest" {
  export interface ProvidedContext {
    twilioBase: string;
    vmUrl: string;
    transcriberUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // These stand-ins live in this process and end with it; workerd and anything else the run
  // starts are ended by the reaper's watchdog if this process dies without cleaning up.
  guardRun();
  const releaseTemp = useRunTempDir();
  // The approved "a result is waiting" template the worker-template project sends, known to the emulator as Twilio would know it.
  const template = { sid: TEST_TEMPLATE_SID, approved: true, language: "en", types: { "twilio/text": { body: "You have {{1}}. Reply to see it." } } };
  const twilio = await startTwilioEmulator({ port: 0, accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, statusCallbacks: false, contents: [template] });
  const vm = await startVmStandIn({ token: TEST_VM_TOKEN, port: 0, heartbeatMs: 500 });
  project.provide("twilioBase", twilio.url);
  // The offline stand-in of Workers AI's transcription (the offline model's server answers it).
  const transcriber = await startAnthropicStandIn({ port: 0 });
  project.provide("vmUrl", vm.url);
  project.provide("transcriberUrl", `${transcriber.url}${TRANSCRIBE_PATH}`);
  return async () => {
    await transcriber.close();
    await vm.close();
    await twilio.close();
    releaseTemp();
  };
}
