/** Where the shared SCP03 vector files live, and small helpers for reading them in tests. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** /work/main (the clone), found from this file so the tests run from any working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** CI checks out shared/ beside the clone. */
export const sharedVectorFolder = path.resolve(repoRoot, '../shared/vectors/scp03');

/** Vector files of our own (Samsung OpenSCP S16/S8 sessions) in FORMAT.md's format. */
export const localVectorFolder = path.resolve(repoRoot, 'conformance/vectors/scp03');

export function vectorFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(folder, name));
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
