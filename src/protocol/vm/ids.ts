// The ids and sequence numbers every part of the protocol carries.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

export const IdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, "ids are 1-80 of [A-Za-z0-9_-]"));

export const Seq = z.number().check(z.int(), z.positive());
