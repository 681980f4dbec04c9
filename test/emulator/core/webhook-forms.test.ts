// The incoming-message forms Twilio posts for a media message and for a quick-reply tap, field by field.
import { expect, it } from "vitest";
import { buttonTapForm, incomingMessageForm } from "../../../emulator/core/webhook-forms";

const ACCOUNT = `AC${"1".repeat(32)}`;
const MM = `MM${"2".repeat(32)}`;
const SM = `SM${"3".repeat(32)}`;
const TAPPED = `SM${"4".repeat(32)}`;

it("numbers each media's URL and type, and names the message after the first one's family", () => {
  const form = incomingMessageForm({
    sid: MM,
    accountSid: ACCOUNT,
    from: "+15551230001",
    to: "whatsapp:+14155238886",
    body: "the failing test",
    profileName: "Alice",
    media: [{ url: "http://127.0.0.1:1/2010-04-01/Accounts/AC/Messages/MM/Media/ME1", contentType: "image/png" }],
  });
  expect(form).toMatchObject({
    MessageSid: MM,
    NumMedia: "1",
    MediaUrl0: "http://127.0.0.1:1/2010-04-01/Accounts/AC/Messages/MM/Media/ME1",
    MediaContentType0: "image/png",
    MessageType: "image",
    Body: "the failing test",
  });
  expect(form.MediaUrl1).toBeUndefined();
});

it.each([
  ["a session quick reply", false, "interactive"],
  ["an approved template's button", true, "button"],
])("a tap on %s posts the title as Body and ButtonText, the id as ButtonPayload, MessageType %s", (_name, sentAsTemplate, messageType) => {
  const form = buttonTapForm({
    sid: SM,
    accountSid: ACCOUNT,
    from: "+15551230001",
    to: "whatsapp:+14155238886",
    profileName: "Alice",
    button: { title: "Always", id: "always-r7" },
    repliedTo: { sid: TAPPED, sentAsTemplate },
  });
  expect(form).toEqual({
    MessageSid: SM,
    SmsSid: SM,
    SmsMessageSid: SM,
    AccountSid: ACCOUNT,
    From: "whatsapp:+15551230001",
    To: "whatsapp:+14155238886",
    Body: "Always",
    ButtonText: "Always",
    ButtonPayload: "always-r7",
    OriginalRepliedMessageSid: TAPPED,
    OriginalRepliedMessageSender: "whatsapp:+14155238886",
    MessageType: messageType,
    NumMedia: "0",
    NumSegments: "1",
    ReferralNumMedia: "0",
    ProfileName: "Alice",
    WaId: "15551230001",
    SmsStatus: "received",
    Forwarded: "false",
    FrequentlyForwarded: "false",
    ChannelMetadata: JSON.stringify({
      type: "whatsapp",
      data: { context: { ButtonText: "Always", Forwarded: "false", FrequentlyForwarded: "false", ProfileName: "Alice", WaId: "15551230001" } },
    }),
    ApiVersion: "2010-04-01",
  });
});
