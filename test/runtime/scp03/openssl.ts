/**
 * An independent AES implementation for cross-checks: the openssl command-line tool, driven
 * through child_process. Tests that need it skip with a clear name when it is not installed.
 */
import { spawnSync } from 'node:child_process';

function probe(): boolean {
  const result = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return result.status === 0 && /OpenSSL 3\./.test(result.stdout);
}

/** `openssl mac` needs OpenSSL 3. */
export const opensslAvailable = probe();

export const opensslSkipNote = opensslAvailable ? '' : ' (SKIPPED: OpenSSL 3 `openssl` not found on PATH — independent cross-checks not run)';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function run(args: readonly string[], input: Uint8Array): Uint8Array {
  const result = spawnSync('openssl', args, { input: Buffer.from(input) });
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.toString()}`);
  return new Uint8Array(result.stdout);
}

function aesName(key: Uint8Array, mode: 'ecb' | 'cbc'): string {
  return `aes-${key.length * 8}-${mode}`;
}

/** AES-CMAC of `data` (NIST SP 800-38B) as OpenSSL computes it. */
export function opensslCmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  const out = run(['mac', '-cipher', aesName(key, 'cbc').toUpperCase(), '-macopt', `hexkey:${hex(key)}`, '-binary', 'CMAC'], data);
  return out;
}

export function opensslEcbEncrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  return run(['enc', `-${aesName(key, 'ecb')}`, '-nopad', '-K', hex(key)], data);
}

export function opensslCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return run(['enc', `-${aesName(key, 'cbc')}`, '-nopad', '-K', hex(key), '-iv', hex(iv)], data);
}

export function opensslCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return run(['enc', '-d', `-${aesName(key, 'cbc')}`, '-nopad', '-K', hex(key), '-iv', hex(iv)], data);
}
