// A vitest globalSetup: marks every process of this test run (an environment variable the test
// workers and all they start inherit) and starts the reaper's watchdog, which ends every marked
// process, and whatever those started, once the run's main process is gone, however it ended: so a
// run stopped by SIGINT or SIGTERM leaves nothing behind, whoever started what.
// It also gives the run its own temporary directory (run-temp.ts).
import { guardRun } from "../../scripts/stack/reaper";
import { useRunTempDir } from "./run-temp";

export default function setup(): () => void {
  guardRun();
  return useRunTempDir();
}
