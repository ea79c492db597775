/**
 * The measured side of the CRL benchmark, run as its own process so wall time and peak RSS are
 * those of a fresh process, as with `openssl crl`: reads a DER CRL and a file of query serials,
 * opens and indexes the CRL, looks every query up, prints the in-process phases as JSON.
 *
 * Usage: node crl-lookup-child.js <crl.der> <queries.bin>
 * queries.bin: count (u32 LE), count + 1 offsets (u32 LE), then the serial magnitudes back to back.
 */
import { readFileSync } from 'node:fs';
import { CertificateListIndex } from '../runtime/der/certificate-list-index.js';

const [crlPath, queriesPath] = process.argv.slice(2);
if (crlPath === undefined || queriesPath === undefined) {
  process.stderr.write('usage: crl-lookup-child <crl.der> <queries.bin>\n');
  process.exit(2);
}

const started = performance.now();
const der = plainView(readFileSync(crlPath));
const queries = readQueries(plainView(readFileSync(queriesPath)));
const read = performance.now();
const index = CertificateListIndex.open(der);
const opened = performance.now();
let found = 0;
let checksum = 0;
for (let query = 0; query < queries.count; query += 1) {
  const entry = index.lookup(queries.bytes.subarray(queries.offsets[query], queries.offsets[query + 1]));
  if (entry !== undefined) {
    found += 1;
    // Use what was decoded, so no part of the lookup can be skipped.
    checksum = (checksum + entry.revocationDate.getTime() / 1000 + (entry.reason?.length ?? 0)) % 1_000_000_007;
  }
}
const looked = performance.now();
process.stdout.write(
  `${JSON.stringify({
    entries: index.list.revokedCertificates.length,
    queries: queries.count,
    found,
    checksum,
    readMs: read - started,
    openAndIndexMs: opened - read,
    lookupMs: looked - opened,
    maxRssKiB: process.resourceUsage().maxRSS,
  })}\n`,
);

/** A Uint8Array over a Buffer's memory (no copy): the decoders then see one array type only. */
function plainView(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function readQueries(file: Uint8Array): { count: number; offsets: Uint32Array; bytes: Uint8Array } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const count = view.getUint32(0, true);
  const offsets = new Uint32Array(count + 1);
  for (let index = 0; index <= count; index += 1) offsets[index] = view.getUint32(4 + index * 4, true);
  return { count, offsets, bytes: file.subarray(4 + (count + 1) * 4) };
}
