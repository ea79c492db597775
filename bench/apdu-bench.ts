/**
 * Throughput of the generated APDU builders and dispatcher (table-driven, see
 * runtime/apdu/command-table.ts) against hand-written code doing the same work in the same run:
 * the price of building from spec data rather than writing bytes by hand.
 */
import { computeDigitalSignature, dispatchJpkiApCommand, selectFile } from '../generated/apdu/jpki-ap.js';
import { hexToBytes } from '../runtime/hex.js';
import { operationsPerSecond } from './measure.js';
import type { BenchReport, BenchRow } from './report.js';

const DIGEST_INFO = hexToBytes('3031300D060960864801650304020105000420' + '11'.repeat(32));
const FID = hexToBytes('000A');

export async function runApduBench(): Promise<BenchReport> {
  const build = rate5k(() => selectFile({ fid: FID }));
  const buildByHand = rate5k(() => Uint8Array.of(0x00, 0xa4, 0x02, 0x0c, 0x02, FID[0] ?? 0, FID[1] ?? 0));
  const sign = computeDigitalSignature({ digestInfo: DIGEST_INFO, le: 256 });
  const dispatch = rate5k(() => dispatchJpkiApCommand(sign));
  const dispatchByHand = rate5k(() => dispatchSignatureByHand(sign));
  const rate = (task: string, value: number, anchorValue: number, anchor: string): BenchRow => ({
    task,
    value: Math.round(value),
    unit: 'ops/s',
    anchor,
    ratio: Math.round((value / anchorValue) * 100) / 100,
  });
  return {
    suite: 'apdu',
    rows: [
      rate('build SELECT EF (generated)', build, buildByHand, `hand-written Uint8Array.of: ${Math.round(buildByHand).toLocaleString('en-US')} ops/s`),
      rate('dispatch COMPUTE DIGITAL SIGNATURE (generated)', dispatch, dispatchByHand, `hand-written parser: ${Math.round(dispatchByHand).toLocaleString('en-US')} ops/s`),
    ],
  };
}

/** What a hand-written card would do for 80 2A 00 80 Lc data 00: check the header and lengths, slice the data. */
function dispatchSignatureByHand(apdu: Uint8Array): { name: string; digestInfo: Uint8Array } | number {
  if (apdu.length < 5) return 0x6700;
  if (apdu[1] !== 0x2a) return 0x6d00;
  if (apdu[0] !== 0x80) return 0x6e00;
  if (apdu[2] !== 0x00 || apdu[3] !== 0x80) return 0x6a86;
  const lc = apdu[4] ?? 0;
  if (apdu.length !== 6 + lc || lc === 0) return 0x6700;
  return { name: 'computeDigitalSignature', digestInfo: apdu.slice(5, 5 + lc) };
}

const rate5k = (operation: () => unknown): number => operationsPerSecond(operation, { warmUp: 20_000, batch: 5_000 });
