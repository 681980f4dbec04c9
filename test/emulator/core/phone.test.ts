// Phone addresses: bare numbers, WhatsApp addresses, and `+` lost to a hand-written query string.
import { expect, it } from "vitest";
import { phoneOf, waIdOf, whatsappAddress } from "../../../emulator/core/phone";

it.each([
  ["whatsapp:+15551230001", "+15551230001", "whatsapp:+15551230001", "15551230001"],
  ["+15551230001", "+15551230001", "whatsapp:+15551230001", "15551230001"],
  ["whatsapp: 15551230001", "+15551230001", "whatsapp:+15551230001", "15551230001"],
  [" 447700900123", "+447700900123", "whatsapp:+447700900123", "447700900123"],
])("%s", (address, phone, whatsapp, waId) => {
  expect(phoneOf(address)).toBe(phone);
  expect(whatsappAddress(address)).toBe(whatsapp);
  expect(waIdOf(address)).toBe(waId);
});
