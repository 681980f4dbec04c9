// The UserDirectory's own schema history: a database of its own, so its own numbering
// (migrations/directory/), applied by the same runner as the PhoneAgent's.
import allowlist from "../../migrations/directory/0001_allowlist.sql";
import strangerRefusals from "../../migrations/directory/0002_stranger_refusals.sql";
import triggers from "../../migrations/directory/0003_triggers.sql";
import githubWatches from "../../migrations/directory/0004_github_watches.sql";
import links from "../../migrations/directory/0005_links.sql";
import chatLinks from "../../migrations/directory/0006_chat_links.sql";
import watchDoors from "../../migrations/directory/0007_watch_doors.sql";
import linkRequests from "../../migrations/directory/0008_link_requests.sql";
import webLinks from "../../migrations/directory/0009_web_links.sql";
import machineOwners from "../../migrations/directory/0010_machine_owners.sql";
import handoffCodes from "../../migrations/directory/0011_handoff_codes.sql";
import webLinkIssued from "../../migrations/directory/0012_web_link_issued.sql";
import type { Migration } from "../shared/migrate";

/** The names are recorded when applied, and only the ids are read back: 0002's file was renamed with its name. */
export const DIRECTORY_MIGRATIONS: readonly Migration[] = [
  { id: 1, name: "directory/0001_allowlist", sql: allowlist },
  { id: 2, name: "directory/0002_stranger_refusals", sql: strangerRefusals },
  { id: 3, name: "directory/0003_triggers", sql: triggers },
  { id: 4, name: "directory/0004_github_watches", sql: githubWatches },
  { id: 5, name: "directory/0005_links", sql: links },
  { id: 6, name: "directory/0006_chat_links", sql: chatLinks },
  { id: 7, name: "directory/0007_watch_doors", sql: watchDoors },
  { id: 8, name: "directory/0008_link_requests", sql: linkRequests },
  { id: 9, name: "directory/0009_web_links", sql: webLinks },
  { id: 10, name: "directory/0010_machine_owners", sql: machineOwners },
  { id: 11, name: "directory/0011_handoff_codes", sql: handoffCodes },
  { id: 12, name: "directory/0012_web_link_issued", sql: webLinkIssued },
];
