/** Byte helpers shared by the SCP03 modules. */
export { concatBytes, constantTimeEqual } from '../bytes.js';
import { Scp03SecurityError } from './errors.js';

export const BLOCK_SIZE = 16;

/** Amd D §4.1.4: append '80', then '00' up to a multiple of 16 — always at least one byte. */
export function padIso9797M2(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array((Math.floor(data.length / BLOCK_SIZE) + 1) * BLOCK_SIZE);
  padded.set(data);
  padded[data.length] = 0x80;
  return padded;
}

/**
 * Removes Amd D §4.1.4 padding: the last non-zero byte must be '80'. Padding longer than one
 * block is accepted — some hosts and cards pad further (Samsung OpenSCP's test data does), and
 * the data was authenticated by its MAC before it is decrypted, so leniency here opens no oracle.
 */
export function unpadIso9797M2(padded: Uint8Array): Uint8Array {
  let index = padded.length - 1;
  while (index >= 0 && padded[index] === 0x00) index -= 1;
  if (index < 0 || padded[index] !== 0x80) {
    throw new Scp03SecurityError('SCP03_BAD_PADDING', 'decrypted data does not end with 80 00… padding');
  }
  return padded.slice(0, index);
}

/** The counter as a big-endian 16-byte block (Amd D §6.2.6: "left padded with zeroes"). */
export function counterBlock(counter: number): Uint8Array {
  const block = new Uint8Array(BLOCK_SIZE);
  let value = counter;
  for (let index = BLOCK_SIZE - 1; index >= 0 && value > 0; index -= 1) {
    block[index] = value % 256;
    value = Math.floor(value / 256);
  }
  return block;
}

export function readUint16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

export function readUint24(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 16) | ((bytes[offset + 1] ?? 0) << 8) | (bytes[offset + 2] ?? 0);
}

export function uint24(value: number): Uint8Array {
  return Uint8Array.of((value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** Copies bytes so the caller's buffer can change or be zeroed without touching ours. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes);
}
