// zod/mini loads no messages: without this every issue reads "Invalid input". Loads zod's English
// ones, the texts classic zod gave (about 1 KiB of gzip in the bundle). zod keeps the setting on
// globalThis, so in the Worker one import covers every schema; the modules whose issue texts leave
// the relay (configuration problems, Twilio form reasons, the agent's tool-argument errors, Fly
// bodies that did not parse) import it themselves so they read the same when loaded alone.
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());
