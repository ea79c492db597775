/** PEM (RFC 7468) to DER: the first block, or every block with a given label. */
import { DecodeError } from './decode-error.js';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/gu;

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = (match[2] ?? '').replace(/\s+/gu, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/u.test(body)) throw new DecodeError('DER_BAD_PEM', match.index ?? 0, '', `base64 inside the ${match[1] ?? ''} PEM block`);
    blocks.push({ label: match[1] ?? '', der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}

/** The DER of the first PEM block (any label). */
export function pemToDer(text: string): Uint8Array {
  const first = pemBlocks(text)[0];
  if (first === undefined) throw new DecodeError('DER_BAD_PEM', 0, '', 'a PEM block (-----BEGIN …-----)');
  return first.der;
}

export function derToPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${(base64.match(/.{1,64}/gu) ?? []).join('\n')}\n-----END ${label}-----\n`;
}
