/**
 * EF 0006, the token information: a serialized PKCS#11 CK_TOKEN_INFO of 160 bytes whose first 32
 * bytes, the space-padded label, name the token profile (jpki.md §1.5; layout [single] from
 * soltia48/myna-card: label 32, manufacturerID 32, model 16, serialNumber 16, big-endian u32 flags,
 * then counters and versions).
 */
export const TOKEN_INFO_SIZE = 160;

/** CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED (PKCS#11 v2.40 §3.2). */
const TOKEN_FLAGS = 0x0000_0001 | 0x0000_0004 | 0x0000_0008 | 0x0000_0400;

export interface TokenInfoFields {
  readonly label: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serialNumber: string;
}

export function encodeTokenInfo(fields: TokenInfoFields): Uint8Array {
  const out = new Uint8Array(TOKEN_INFO_SIZE);
  writePadded(out, 0, 32, fields.label);
  writePadded(out, 32, 32, fields.manufacturer);
  writePadded(out, 64, 16, fields.model);
  writePadded(out, 80, 16, fields.serialNumber);
  new DataView(out.buffer).setUint32(96, TOKEN_FLAGS);
  return out;
}

/** The label as readers take it: the first 32 bytes, trailing spaces (and NULs) trimmed. */
export function tokenLabelFrom(tokenInfo: Uint8Array): string {
  return String.fromCharCode(...tokenInfo.subarray(0, 32)).replace(/[ \0]+$/, '');
}

function writePadded(out: Uint8Array, offset: number, length: number, text: string): void {
  out.fill(0x20, offset, offset + length);
  for (let index = 0; index < Math.min(length, text.length); index += 1) out[offset + index] = text.charCodeAt(index) & 0x7f;
}
