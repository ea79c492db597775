/**
 * Logical channel coding in the class byte (ISO/IEC 7816-4 §5.4.1; GPCS 2.3.1 §11.1.4): channels
 * 0–3 in b2–b1 of the first interindustry (and GP proprietary 8x) classes; channels 4–19 in the
 * further classes, b7 set, b4–b1 = channel − 4, secure messaging moved to b6. OMAPI writes the
 * channel into every APDU an app sends, whatever CLA the app put there.
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

/** The logical channel a class byte names. */
export function channelOfClass(cla: number): number {
  return (cla & 0x40) === 0 ? cla & 0x03 : 4 + (cla & 0x0f);
}
