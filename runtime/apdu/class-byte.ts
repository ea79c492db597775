/**
 * The class byte, as a card's OPEN reads it and as a host writes it (GPCS 2.3.1 §11.1.4; ISO/IEC 7816-4 §5.4.1): first
 * interindustry coding for channels 0–3 (b2–b1 channel, b4–b3 secure messaging), further
 * interindustry coding for channels 4–19 (b7 = 1, b4–b1 = channel − 4, b6 secure messaging);
 * b8 = 1 marks a proprietary (GlobalPlatform) command, b5 ISO command chaining.
 */
export interface ClassByte {
  readonly proprietary: boolean;
  readonly secureMessaging: boolean;
  readonly chaining: boolean;
  readonly channel: number;
}

/** Undefined for codings ISO reserves (001x xxxx, 101x xxxx) and for FF (PPS, never a class byte). */
export function readClassByte(cla: number): ClassByte | undefined {
  if (cla === 0xff) return undefined;
  const proprietary = (cla & 0x80) !== 0;
  const chaining = (cla & 0x10) !== 0;
  if ((cla & 0x40) !== 0) return { proprietary, chaining, secureMessaging: (cla & 0x20) !== 0, channel: 4 + (cla & 0x0f) };
  if ((cla & 0x20) !== 0) return undefined;
  return { proprietary, chaining, secureMessaging: (cla & 0x0c) !== 0, channel: cla & 0x03 };
}

/** The class byte of an interindustry command (no secure messaging) on a channel, as the OPEN synthesizes one. */
export function interindustryClass(channel: number): number {
  return channel <= 3 ? channel : 0x40 | (channel - 4);
}

/**
 * The command moved to another logical channel, whatever CLA it carried (OMAPI writes the channel
 * into every APDU an app sends): channels 0–3 in b2–b1 of the first classes, 4–19 in the further
 * classes with secure messaging moved to b6; b8 and the chaining bit b5 are kept.
 */
export function withChannel(command: Uint8Array, channel: number): Uint8Array {
  if (!Number.isInteger(channel) || channel < 0 || channel > 19) throw new RangeError(`logical channel ${channel} is outside 0–19`);
  const out = command.slice();
  const cla = out[0] ?? 0;
  const proprietary = cla & 0x80;
  // Secure messaging indicated in either coding: b4–b3 of the first classes, b6 of the further ones.
  const secureMessaging = (cla & 0x40) === 0 ? (cla & 0x0c) !== 0 : (cla & 0x20) !== 0;
  if (channel < 4) {
    const smBits = (cla & 0x40) === 0 ? cla & 0x0c : secureMessaging ? 0x04 : 0x00;
    out[0] = proprietary | (cla & 0x10) | smBits | channel;
  } else {
    out[0] = proprietary | 0x40 | (secureMessaging ? 0x20 : 0x00) | (cla & 0x10) | (channel - 4);
  }
  return out;
}
