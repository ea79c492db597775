/**
 * Crash-safe replacement of a file: write a temporary file (mode 0600, it holds keys), fsync it,
 * rename it over the old one, fsync the folder — a crash leaves the old file or the new, never half.
 * The CA's keystore and the secure-element store both keep secrets this way.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  // The rename itself is durable only once the folder's entry is on disk.
  const folder = await open(path.dirname(path.resolve(file)), fsConstants.O_RDONLY);
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
