/**
 * ISO/IEC 7816-4 §5.3.4 (and GPCS §11.1.5.2): a response longer than the command's Le — or than
 * 256 bytes when a short command left Le open — leaves in parts: each part but the last ends in
 * 61xx (xx = bytes still waiting, 00 for 256 or more), GET RESPONSE fetches the next one, and
 * the last part carries the real status word. Secure messaging was applied to the whole response.
 */
import type { ResponseApdu } from '../../../runtime/index.js';

export interface PendingResponse {
  readonly rest: Uint8Array;
  readonly sw: number;
}

export interface ResponsePart {
  readonly response: ResponseApdu;
  readonly pending: PendingResponse | undefined;
}

export const SHORT_RESPONSE_LIMIT = 256;

export function responseLimit(le: number | undefined, extended: boolean): number {
  return le ?? (extended ? 65536 : SHORT_RESPONSE_LIMIT);
}

export function splitResponse(data: Uint8Array, sw: number, limit: number): ResponsePart {
  if (data.length <= limit) return { response: { data, sw }, pending: undefined };
  const rest = data.subarray(limit);
  return { response: { data: data.subarray(0, limit), sw: moreDataWord(rest.length) }, pending: { rest, sw } };
}

export function moreDataWord(waiting: number): number {
  return 0x6100 | (waiting >= 256 ? 0x00 : waiting);
}
