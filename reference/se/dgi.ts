/**
 * Data Grouping Identifiers (GPCS 2.3.1 §11.1.12): a 2-byte DGI, a length of one byte (00–FE) or
 * FF followed by two bytes, then the value. Security domains read them from STORE DATA; the JPKI
 * applet reads its personalization from them.
 */
import { JpkigenError } from '../../runtime/index.js';

export interface Dgi {
  readonly dgi: number;
  readonly value: Uint8Array;
}

export class DgiError extends JpkigenError {
  constructor(offset: number, expected: string) {
    super('SE_DGI_MALFORMED', `DGI at byte ${offset}: expected ${expected}`);
  }
}

export function decodeDgis(bytes: Uint8Array): Dgi[] {
  const result: Dgi[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    if (offset + 3 > bytes.length) throw new DgiError(start, 'a 2-byte DGI and a length');
    const dgi = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    let length = bytes[offset + 2] ?? 0;
    offset += 3;
    if (length === 0xff) {
      if (offset + 2 > bytes.length) throw new DgiError(start, 'a 3-byte length');
      length = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
      offset += 2;
    }
    if (offset + length > bytes.length) throw new DgiError(start, `${length} value bytes, ${bytes.length - offset} remain`);
    result.push({ dgi, value: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return result;
}

export function encodeDgi(dgi: number, value: Uint8Array): Uint8Array {
  const length = value.length < 0xff ? [value.length] : [0xff, value.length >> 8, value.length & 0xff];
  return Uint8Array.from([dgi >> 8, dgi & 0xff, ...length, ...value]);
}

/**
 * Splits a DGI stream that may stop inside a DGI: a DGI may run across STORE DATA blocks (GPCS
 * §11.11.2.2), so the incomplete tail comes back for the next block instead of being refused.
 */
export function splitDgis(stream: Uint8Array): { readonly dgis: Dgi[]; readonly rest: Uint8Array } {
  let complete = 0;
  while (complete < stream.length) {
    const end = dgiEnd(stream, complete);
    if (end === undefined) break;
    complete = end;
  }
  return { dgis: decodeDgis(stream.subarray(0, complete)), rest: stream.slice(complete) };
}

/** Where the DGI starting at `offset` ends, or undefined when the stream stops inside it. */
function dgiEnd(stream: Uint8Array, offset: number): number | undefined {
  if (stream.length - offset < 3) return undefined;
  const short = stream[offset + 2] ?? 0;
  if (short !== 0xff) return offset + 3 + short <= stream.length ? offset + 3 + short : undefined;
  if (stream.length - offset < 5) return undefined;
  const end = offset + 5 + (((stream[offset + 3] ?? 0) << 8) | (stream[offset + 4] ?? 0));
  return end <= stream.length ? end : undefined;
}

/** Cuts a DGI stream into STORE DATA blocks: 239 bytes leave room for C-MAC and C-DECRYPTION padding in a short APDU. */
export function storeDataBlocks(stream: Uint8Array, blockSize = 239): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let offset = 0; offset < stream.length; offset += blockSize) blocks.push(stream.subarray(offset, offset + blockSize));
  return blocks.length === 0 ? [new Uint8Array(0)] : blocks;
}
