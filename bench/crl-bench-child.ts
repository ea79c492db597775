/**
 * Our side of the CRL bench in its own process (so its peak RSS is its own): streams the revoked
 * lines of an OpenSSL index.txt into reference/ca's CRL builder and writes the signed DER.
 *
 * argv[2]: JSON { caCert, caKey, index, out }. stdout: JSON { entries, buildMs }.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeName } from '../generated/asn1/index.js';
import { buildCrl } from '../reference/ca/crl-builder.js';
import { keySigner, readOpensslIndex } from '../reference/ca/in-memory-revocation-source.js';
import { describeIssuer } from '../reference/ca/revocation-service-issuer.js';
import type { RevokedEntry } from '../reference/ca/revocation-source.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as { caCert: string; caKey: string; index: string; out: string };
const started = performance.now();
const identity = describeIssuer({
  caId: 'authca03',
  certificate: new Uint8Array(new X509Certificate(readFileSync(settings.caCert)).raw),
  ...keySigner(createPrivateKey(readFileSync(settings.caKey))),
});

async function* revoked(): AsyncIterable<RevokedEntry> {
  for await (const line of readOpensslIndex(settings.index)) {
    if (line.status === 'R' && line.revokedAt !== undefined) yield { serialNumber: line.serialNumber, revokedAt: line.revokedAt, reason: line.reason ?? 'unspecified' };
  }
}

const pointName = encodeName({ type: 'rdnSequence', value: [[{ type: '2.5.4.6', value: { value: 'JP' } }], [{ type: '2.5.4.3', value: { value: { type: 'utf8String', value: 'Chiyoda-ku CRLDP' } } }]] });
const thisUpdate = new Date();
const crl = await buildCrl({ identity, scope: { kind: 'distributionPoint', name: pointName }, entries: revoked(), thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 25 * 3600_000) });
writeFileSync(settings.out, crl.der);
process.stdout.write(JSON.stringify({ entries: crl.entryCount, buildMs: performance.now() - started }));
