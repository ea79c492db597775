import { describe, expect, it } from 'vitest';
import { JpkigenError } from '../../../runtime/errors.js';
import { Scp03Error, Scp03SecurityError } from '../../../runtime/scp03/errors.js';
import { exchange, openPair, testKeys } from './channel.js';
import { toHex } from './vectors.js';

/** Runs `action` and returns what it threw. */
function thrown(action: () => unknown): Scp03Error {
  try {
    action();
  } catch (error) {
    if (error instanceof Scp03Error) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('SCP03 errors', () => {
  it('are JpkigenErrors with stable codes and never carry key, MAC or cryptogram bytes', () => {
    const keys = testKeys(16);
    const secrets = [keys.enc, keys.mac, keys.dek].map((key) => toHex(key).slice(0, 8));
    const errors: Scp03Error[] = [];
    const macPair = openPair();
    const wrapped = macPair.host.wrapCommand(Uint8Array.of(0x80, 0xca, 0x00, 0x66, 0x00));
    wrapped[wrapped.length - 2] = (wrapped[wrapped.length - 2] ?? 0) ^ 1;
    errors.push(thrown(() => macPair.card.unwrapCommand(wrapped)));
    const rMacPair = openPair();
    rMacPair.card.unwrapCommand(rMacPair.host.wrapCommand(Uint8Array.of(0x80, 0xca, 0x00, 0x66, 0x00)));
    const response = rMacPair.card.wrapResponse(Uint8Array.of(1, 2, 3, 0x90, 0x00));
    response[0] = (response[0] ?? 0) ^ 1;
    errors.push(thrown(() => rMacPair.host.unwrapResponse(response)));
    errors.push(thrown(() => exchange(rMacPair, Uint8Array.of(0x80, 0xca, 0x00, 0x66, 0x00), Uint8Array.of(0x90, 0x00))));
    for (const error of errors) {
      expect(error).toBeInstanceOf(JpkigenError);
      expect(error.code).toMatch(/^SCP03_[A-Z_]+$/);
      expect(error.message).not.toMatch(/[0-9A-F]{8,}/i);
      for (const secret of secrets) expect(error.message).not.toContain(secret);
    }
    expect(errors[0]).toBeInstanceOf(Scp03SecurityError);
    expect(errors.map((error) => error.code)).toEqual(['SCP03_BAD_C_MAC', 'SCP03_BAD_R_MAC', 'SCP03_CHANNEL_CLOSED']);
  });
});
