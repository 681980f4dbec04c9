// Checks `Authorization: Bearer <VM_TOKEN>` in constant time: both sides are hashed first, so
// neither the comparison nor an early length mismatch says anything about the secret.
import { createHash, timingSafeEqual } from "node:crypto";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function createTokenCheck(secret: string): (authorization: string | undefined | null) => boolean {
  const expected = digest(secret);
  return (authorization) => {
    const match = /^Bearer (.+)$/.exec(authorization ?? "");
    const presented = digest(match?.[1] ?? "");
    // Compared even when the header is missing, so every refusal costs the same.
    return timingSafeEqual(presented, expected) && match !== null;
  };
}
