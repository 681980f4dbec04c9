// Storing a message once (agent/stored-message.ts): the webhook's origin is kept for links made
// without a request only where no PUBLIC_URL says it; with one configured it would be a row for nothing.
import { expect, it } from "vitest";
import { storeOnce } from "../../src/agent/stored-message";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();

const message = (id: string, publicOrigin: string) => ({ messageId: id, body: "hi", media: [], buttonPayload: null, receivedAt: T0, publicOrigin });

it.each([
  { configured: undefined, origin: "https://relay.example", stored: "https://relay.example" },
  { configured: null, origin: "https://relay.example", stored: "https://relay.example" },
  { configured: "https://relay.example", origin: "https://relay.example", stored: null },
  // A webhook that came to another origin than PUBLIC_URL (a second route): kept, as before.
  { configured: "https://relay.example", origin: "https://other.example", stored: "https://other.example" },
])("PUBLIC_URL $configured, a webhook to $origin: public_origin stored $stored", ({ configured, origin, stored }) => {
  const deps = { messages: t.repos.messages, settings: t.repos.settings, outboxRepo: t.repos.outbox, ...(configured === undefined ? {} : { configuredOrigin: configured }) };
  expect(storeOnce(deps, message("SM1", origin), { body: "hi", media: [], conversationId: 1, slash: false }, T0)).toBe(true);
  expect(t.repos.settings.get("public_origin")).toBe(stored);
  // A redelivery stores nothing again.
  expect(storeOnce(deps, message("SM1", origin), { body: "hi", media: [], conversationId: 1, slash: false }, T0)).toBe(false);
});
