// The UserDirectory's own schema history: a database of its own, so its own numbering
// (migrations/directory/), applied by the same runner as the PhoneAgent's.
import allowlist from "../../../migrations/directory/0001_allowlist.sql";
import links from "../../../migrations/directory/0002_links.sql";
import type { Migration } from "./migrate";

export const DIRECTORY_MIGRATIONS: readonly Migration[] = [
  { id: 1, name: "directory/0001_allowlist", sql: allowlist },
  { id: 2, name: "directory/0002_links", sql: links },
];
