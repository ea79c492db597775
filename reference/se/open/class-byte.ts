/**
 * The class byte as the OPEN reads it (GPCS 2.3.1 §11.1.4; ISO/IEC 7816-4 §5.4.1): first
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
