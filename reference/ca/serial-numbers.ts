/**
 * Certificate serial numbers: 64 bits from the CSPRNG behind a random non-zero first octet below
 * 0x80, so every serial is positive, exactly 9 octets in DER and unpredictable (RFC 5280
 * §4.1.2.2 allows up to 20; the CA/Browser Forum asks for at least 64 random bits, which we
 * follow although real JPKI serials are 4 octets, jpki.md §2.2). Uniqueness is the database's
 * UNIQUE constraint; a collision retries.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes } from '../../runtime/hex.js';

export function randomSerialNumber(): bigint {
  const octets = randomBytes(9);
  octets[0] = 1 + ((octets[0] ?? 0) % 0x7f);
  return BigInt(`0x${octets.toString('hex')}`);
}

/** The DER INTEGER content octets of a positive serial, uppercase hex: the form CertificateSerial uses. */
export function serialToHex(serial: bigint): string {
  if (serial <= 0n) throw new RangeError(`certificate serial numbers are positive (got ${serial})`);
  let hex = serial.toString(16).toUpperCase();
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // A leading octet ≥ 0x80 needs a 00 in front to stay positive, as DER writes it.
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return hex;
}

export function serialFromHex(hex: string): bigint {
  return BigInt(`0x${bytesToHex(hexToBytes(hex))}`);
}
