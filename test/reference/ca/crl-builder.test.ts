import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCertificateList, decodeExtensions, encodeTBSCertList, type TBSCertListRevokedCertificatesItem } from '../../../generated/asn1/index.js';
import { buildCrl, CrlBuildError, crlExtensionsFor, crlNumberFor, entryExtensionsFor, pkixTime } from '../../../reference/ca/crl-builder.js';
import { describeIssuer, type IssuerIdentity } from '../../../reference/ca/revocation-service-issuer.js';
import type { RevokedEntry } from '../../../reference/ca/revocation-source.js';
import { CHIYODA, createTestCa, KIYOSE, openssl, type TestCa } from '../../helpers/openssl-ca.js';
import { opensslCrl, parseOpensslRevokedEntries } from '../../helpers/openssl-crl.js';

let ca: TestCa;
let identity: IssuerIdentity;
const thisUpdate = new Date('2026-03-01T00:00:00.750Z');
const nextUpdate = new Date('2026-03-02T01:00:00Z');

beforeAll(() => {
  ca = createTestCa();
  identity = describeIssuer(ca.issuer);
});
afterAll(() => ca.dispose());

const ENTRIES: RevokedEntry[] = [
  { serialNumber: 0x0300n, revokedAt: new Date('2026-02-03T04:05:06Z'), reason: 'keyCompromise' },
  { serialNumber: 0x01a2c0f1n, revokedAt: new Date('2026-02-10T02:30:00Z'), reason: 'superseded' },
  { serialNumber: 0x05n, revokedAt: new Date('2026-01-01T00:00:00Z'), reason: 'unspecified' },
  { serialNumber: 0x80n, revokedAt: new Date('2026-02-20T12:00:00Z'), reason: 'certificateHold' },
  { serialNumber: 0x0100n, revokedAt: new Date('2026-02-21T12:00:00Z'), reason: 'affiliationChanged' },
];

function dpScope(ca: TestCa, municipality = CHIYODA) {
  return { kind: 'distributionPoint' as const, name: ca.distributionPointName(municipality) };
}

describe('buildCrl', () => {
  it('writes a CRL OpenSSL verifies, with the serials in order and the reasons as given', async () => {
    const crl = await buildCrl({ identity, scope: dpScope(ca), entries: ENTRIES, thisUpdate, nextUpdate });
    expect(opensslCrl(crl.der, ['-noout'], ca.caCertPem).stderr).toMatch(/verify OK/);
    const text = opensslCrl(crl.der, ['-noout', '-text']).stdout;
    const listed = parseOpensslRevokedEntries(text);
    expect(listed.map((entry) => entry.serialHex)).toEqual(['05', '80', '0100', '0300', '01A2C0F1']);
    expect(listed.map((entry) => entry.reason)).toEqual([undefined, 'Certificate Hold', 'Affiliation Changed', 'Key Compromise', 'Superseded']);
    expect(listed[3]?.revocationDate).toEqual(new Date('2026-02-03T04:05:06Z'));
    expect(text).toMatch(/Hold Instruction Code: \s*2\.2\.840\.10040\.2\.2/);
    expect(text).toMatch(new RegExp(`X509v3 CRL Number: \\s*${crlNumberFor(thisUpdate)}`));
    expect(text).toMatch(/Only User Certificates/);
    expect(text).toMatch(/CN ?= ?Chiyoda-ku CRLDP/);
    expect(text).toMatch(/Last Update: Mar {2}1 00:00:00 2026 GMT/);
    expect(text).toMatch(/Next Update: Mar {2}2 01:00:00 2026 GMT/);
    expect(crl.entryCount).toBe(5);
  });

  it('takes the number from thisUpdate in whole seconds, so later CRLs always carry larger numbers', () => {
    expect(crlNumberFor(thisUpdate)).toBe(BigInt(Date.UTC(2026, 2, 1) / 1000));
    expect(crlNumberFor(new Date(thisUpdate.getTime() + 1000))).toBeGreaterThan(crlNumberFor(thisUpdate));
  });

  it('writes exactly what the generated encodeTBSCertList writes from the same values', async () => {
    const crl = await buildCrl({ identity, scope: dpScope(ca), entries: ENTRIES, thisUpdate, nextUpdate });
    const decoded = decodeCertificateList(crl.der);
    const sorted = [...ENTRIES].sort((a, b) => (a.serialNumber < b.serialNumber ? -1 : 1));
    const items: TBSCertListRevokedCertificatesItem[] = sorted.map((entry) => {
      const extensions = entryExtensionsFor(entry.reason);
      const item: TBSCertListRevokedCertificatesItem = { userCertificate: entry.serialNumber, revocationDate: pkixTime(entry.revokedAt) };
      if (extensions !== undefined) item.crlEntryExtensions = decodeExtensions(extensions);
      return item;
    });
    const expected = encodeTBSCertList({
      version: 1,
      signature: identity.signatureAlgorithm,
      issuer: identity.subject,
      thisUpdate: pkixTime(new Date('2026-03-01T00:00:00Z')),
      nextUpdate: pkixTime(nextUpdate),
      revokedCertificates: items,
      crlExtensions: crlExtensionsFor(identity, dpScope(ca), crlNumberFor(thisUpdate)),
    });
    expect(Buffer.from(decoded.tbsCertList.$der ?? [])).toEqual(Buffer.from(expected));
  });

  it('makes OpenSSL reject a revoked certificate and accept a good one of the same distribution point', async () => {
    const revokedLeaf = ca.leaf(0x0300n, CHIYODA);
    const goodLeaf = ca.leaf(0x0301n, CHIYODA);
    const crl = await buildCrl({ identity, scope: dpScope(ca), entries: ENTRIES, thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + 86_400_000) });
    const crlPath = path.join(ca.folder, 'chiyoda.crl.der');
    writeFileSync(crlPath, crl.der);
    const crlPem = path.join(ca.folder, 'chiyoda.crl.pem');
    expect(openssl(['crl', '-inform', 'DER', '-in', crlPath, '-out', crlPem], ca.folder).status).toBe(0);
    const revoked = openssl(['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', ca.caCertPath, revokedLeaf], ca.folder);
    expect(revoked.status).not.toBe(0);
    expect(revoked.stdout + revoked.stderr).toMatch(/certificate revoked/);
    const good = openssl(['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', ca.caCertPath, goodLeaf], ca.folder);
    expect(good.stdout + good.stderr).toMatch(/: OK/);
    expect(good.status).toBe(0);
  });

  it('does not apply one municipality’s CRL to another’s certificate (issuingDistributionPoint scope)', async () => {
    const kiyoseLeaf = ca.leaf(0x0300n, KIYOSE);
    const crl = await buildCrl({ identity, scope: dpScope(ca, CHIYODA), entries: ENTRIES, thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + 86_400_000) });
    const crlPem = path.join(ca.folder, 'scope.crl.pem');
    writeFileSync(path.join(ca.folder, 'scope.crl.der'), crl.der);
    openssl(['crl', '-inform', 'DER', '-in', 'scope.crl.der', '-out', crlPem], ca.folder);
    const result = openssl(['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', ca.caCertPath, kiyoseLeaf], ca.folder);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/different CRL scope/i);
  });

  it('writes the ARL for CA certificates, named by the CA’s DN', async () => {
    const crl = await buildCrl({ identity, scope: { kind: 'arl' }, entries: [{ serialNumber: 0x0133c349n, revokedAt: new Date('2026-01-05T00:00:00Z'), reason: 'cACompromise' }], thisUpdate, nextUpdate });
    expect(opensslCrl(crl.der, ['-noout'], ca.caCertPem).stderr).toMatch(/verify OK/);
    const text = opensslCrl(crl.der, ['-noout', '-text']).stdout;
    expect(text).toMatch(/Only CA Certificates/);
    expect(text).toMatch(/OU ?= ?Japan Agency for Local Authority Information Systems/);
    expect(parseOpensslRevokedEntries(text)).toEqual([{ serialHex: '0133C349', revocationDate: new Date('2026-01-05T00:00:00Z'), reason: 'CA Compromise' }]);
  });

  it('leaves revokedCertificates out of an empty CRL (RFC 5280 §5.1.2.6)', async () => {
    const crl = await buildCrl({ identity, scope: dpScope(ca), entries: [], thisUpdate, nextUpdate });
    expect(decodeCertificateList(crl.der).tbsCertList.revokedCertificates).toBeUndefined();
    expect(opensslCrl(crl.der, ['-noout', '-text'], ca.caCertPem).stdout).toMatch(/No Revoked Certificates/);
  });

  it('orders serials wider than 32 bits and refuses a serial listed twice', async () => {
    const wide: RevokedEntry[] = [0x7f00000000000000000001n, 0x100000000n, 0x0100000001n, 0x02n, 0xffffffffffn].map((serialNumber) => ({ serialNumber, revokedAt: thisUpdate, reason: 'superseded' }));
    const crl = await buildCrl({ identity, scope: dpScope(ca), entries: wide, thisUpdate, nextUpdate });
    const listed = parseOpensslRevokedEntries(opensslCrl(crl.der, ['-noout', '-text'], ca.caCertPem).stdout);
    expect(listed.map((entry) => entry.serialHex)).toEqual(['02', '0100000000', '0100000001', 'FFFFFFFFFF', '7F00000000000000000001']);
    await expect(buildCrl({ identity, scope: dpScope(ca), entries: [...wide, wide[1] as RevokedEntry], thisUpdate, nextUpdate })).rejects.toBeInstanceOf(CrlBuildError);
    await expect(buildCrl({ identity, scope: dpScope(ca), entries: [ENTRIES[0] as RevokedEntry, ENTRIES[1] as RevokedEntry, ENTRIES[0] as RevokedEntry], thisUpdate, nextUpdate })).rejects.toThrow(/listed twice/);
  });

  it('streams entries from an async source of many thousands in serial order', async () => {
    async function* many(): AsyncIterable<RevokedEntry> {
      for (let index = 20_000; index > 0; index -= 1) yield { serialNumber: BigInt(index * 7), revokedAt: thisUpdate, reason: index % 2 === 0 ? 'superseded' : 'unspecified' };
    }
    const crl = await buildCrl({ identity, scope: dpScope(ca), entries: many(), thisUpdate, nextUpdate });
    expect(crl.entryCount).toBe(20_000);
    expect(opensslCrl(crl.der, ['-noout'], ca.caCertPem).stderr).toMatch(/verify OK/);
    const listed = parseOpensslRevokedEntries(opensslCrl(crl.der, ['-noout', '-text']).stdout);
    expect(listed).toHaveLength(20_000);
    expect(listed[0]?.serialHex).toBe('07');
    expect(listed.at(-1)?.serialHex).toBe((20_000 * 7).toString(16).toUpperCase().padStart(6, '0'));
  });

  it('refuses nextUpdate not after thisUpdate', async () => {
    await expect(buildCrl({ identity, scope: dpScope(ca), entries: [], thisUpdate, nextUpdate: thisUpdate })).rejects.toBeInstanceOf(CrlBuildError);
  });
});
