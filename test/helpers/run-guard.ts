// A vitest globalSetup: marks every process of this test run (an environment variable the test
// workers and all they start inherit) and starts the reaper's watchdog, which ends every marked
// process, and whatever those started, once the run's main process is gone, however it ended: so a
// run stopped by SIGINT or SIGTERM leaves nothing behind, whoever started what.
import { guardRun } from "../../scripts/stack/reaper";

export default function setup(): void {
  guardRun();
}
