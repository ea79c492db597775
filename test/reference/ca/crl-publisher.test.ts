import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLinkageList } from '../../../generated/asn1/index.js';
import { crlNumberFor } from '../../../reference/ca/crl-builder.js';
import { CrlPublisher } from '../../../reference/ca/crl-publisher.js';
import { formatOpensslIndexLine, parseOpensslIndexLine } from '../../../reference/ca/in-memory-revocation-source.js';
import { linkageListJson, serialHex } from '../../../reference/ca/linkage-list.js';
import { CHIYODA, createTestCa, KIYOSE, sourceFor, type TestCa } from '../../helpers/openssl-ca.js';
import { opensslCrl, parseOpensslRevokedEntries } from '../../helpers/openssl-crl.js';

let ca: TestCa;
beforeAll(() => {
  ca = createTestCa();
});
afterAll(() => ca.dispose());

describe('CrlPublisher', () => {
  it('issues one CRL per municipality and the ARL, with growing numbers even within one second', async () => {
    const now = new Date('2026-04-01T09:00:00.400Z');
    const source = sourceFor(ca, [CHIYODA, KIYOSE], () => now);
    source.issue(ca.caId, 0x10n, { municipalityCode: CHIYODA.code });
    source.issue(ca.caId, 0x11n, { municipalityCode: KIYOSE.code });
    source.revoke(ca.caId, 0x10n, 'superseded', new Date('2026-03-01T00:00:00Z'));
    const publisher = new CrlPublisher(source, { clock: () => now });
    await publisher.refresh();
    const first = publisher.crl(ca.caId, CHIYODA.code);
    expect(first?.crlNumber).toBe(crlNumberFor(now));
    expect(first?.nextUpdate.getTime()).toBe(Date.parse('2026-04-02T10:00:00Z'));
    expect(parseOpensslRevokedEntries(opensslCrl(first?.der ?? new Uint8Array(), ['-noout', '-text'], ca.caCertPem).stdout).map((entry) => entry.serialHex)).toEqual(['10']);
    expect(parseOpensslRevokedEntries(opensslCrl(publisher.crl(ca.caId, KIYOSE.code)?.der ?? new Uint8Array(), ['-noout', '-text']).stdout)).toEqual([]);
    expect(opensslCrl(publisher.crl(ca.caId, 'arl')?.der ?? new Uint8Array(), ['-noout'], ca.caCertPem).stderr).toMatch(/verify OK/);
    await publisher.refresh();
    const second = publisher.crl(ca.caId, CHIYODA.code);
    expect(second?.crlNumber).toBe((first?.crlNumber ?? 0n) + 1n);
  });

  it('rebuilds when the change counter moves, and only then', async () => {
    let now = new Date('2026-04-01T09:00:00Z');
    const source = sourceFor(ca, [CHIYODA], () => now);
    source.issue(ca.caId, 0x20n, { municipalityCode: CHIYODA.code });
    const publisher = new CrlPublisher(source, { clock: () => now });
    await publisher.refresh();
    const before = publisher.crl(ca.caId, CHIYODA.code);
    now = new Date('2026-04-01T09:05:00Z');
    await publisher.refreshIfChanged();
    expect(publisher.crl(ca.caId, CHIYODA.code)).toBe(before);
    source.revoke(ca.caId, 0x20n, 'keyCompromise');
    await publisher.refreshIfChanged();
    const after = publisher.crl(ca.caId, CHIYODA.code);
    expect(after?.crlNumber).toBe(crlNumberFor(now));
    expect(after?.entryCount).toBe(1);
  });

  it('shares one run between concurrent refreshes and follows it with one more', async () => {
    const source = sourceFor(ca, [CHIYODA]);
    const publisher = new CrlPublisher(source);
    await Promise.all([publisher.refresh(), publisher.refresh(), publisher.refresh()]);
    expect(publisher.issuers()).toHaveLength(1);
  });
});

describe('linkage list', () => {
  it('is signed by the CA and lists the records; the JSON view filters by list number', async () => {
    const now = new Date('2026-04-01T00:00:00Z');
    const source = sourceFor(ca, [CHIYODA], () => now);
    source.link(ca.caId, { oldSerialNumber: 0x0135d2e8n, newSerialNumber: 0x01a2b3c5n, reason: 'renewal', linkedAt: new Date('2026-02-01T00:00:00Z') });
    source.link(ca.caId, { oldSerialNumber: 0x01a2b3c5n, newSerialNumber: 0x0an, reason: 'mobileReplaced', linkedAt: new Date('2026-03-15T12:00:00.900Z') });
    const publisher = new CrlPublisher(source, { clock: () => now });
    await publisher.refresh();
    const linkage = publisher.issuer(ca.caId)?.linkage;
    if (linkage === undefined) throw new Error('no linkage list');
    const decoded = decodeLinkageList(linkage.der);
    expect(verifySignature('sha256', decoded.tbsLinkageList.$der as Uint8Array, new X509Certificate(ca.caCertPem).publicKey, decoded.signature.bytes)).toBe(true);
    expect([...decoded.tbsLinkageList.records].map((record) => record.reason)).toEqual(['renewal', 'mobileReplaced']);
    const json = linkageListJson(ca.caId, linkage);
    expect(json.listNumber).toBe(Date.parse('2026-04-01T00:00:00Z') / 1000);
    expect(json.records[1]).toEqual({ issuer: ca.caId, oldSerial: '01A2B3C5', newSerial: '0A', reason: 'mobileReplaced', linkedAt: '2026-03-15T12:00:00Z' });
    expect(linkageListJson(ca.caId, linkage, Date.parse('2026-03-15T12:00:00Z') / 1000).records).toHaveLength(1);
    expect(linkageListJson(ca.caId, linkage, Date.parse('2026-03-15T12:00:01Z') / 1000).records).toHaveLength(0);
    expect(serialHex(0x80n)).toBe('80');
    expect(serialHex(0x123n)).toBe('0123');
  });
});

describe('OpenSSL index.txt lines', () => {
  it('round-trips revoked and valid lines in OpenSSL’s own form', () => {
    const revoked = { status: 'R' as const, notAfter: new Date('2030-01-01T00:00:00Z'), serialNumber: 0x01a2n, revokedAt: new Date('2026-01-02T03:04:05Z'), reason: 'cACompromise' as const };
    const text = formatOpensslIndexLine(revoked);
    expect(text).toBe('R\t300101000000Z\t260102030405Z,CACompromise\t01A2\tunknown\t/CN=jpkigen');
    expect(parseOpensslIndexLine(text, 1)).toEqual(revoked);
    expect(parseOpensslIndexLine('V\t300101000000Z\t\t05\tunknown\t/CN=x', 2)).toEqual({ status: 'V', notAfter: new Date('2030-01-01T00:00:00Z'), serialNumber: 5n });
    expect(() => parseOpensslIndexLine('X\t300101000000Z\t\t05\tunknown\t/CN=x', 3)).toThrow(/line 3/);
    expect(() => parseOpensslIndexLine('R\t300101000000Z\t260102030405Z,noSuchReason\t05\tunknown\t/CN=x', 4)).toThrow(/noSuchReason/);
  });
});
