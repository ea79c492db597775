/**
 * The reference CA on both database backends: what it issues is checked by openssl (verify
 * against the CA certificate, the extensions in `x509 -text`), its state through the
 * RevocationSource contract, and the rules it keeps (smartphone validity, one phone per holder,
 * linkage) through its stored records.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCertificate, encodeName, idCeCRLDistributionPoints, type Name } from '../../../generated/asn1/index.js';
import { lintCertificate, type LintFinding } from '../../../generated/profiles/index.js';
import type { JpkiCaId } from '../../../generated/messages/types.js';
import { CaError, certificateProfileNameFor, CertificateAuthority, MemoryKeystore, serialToHex, UnknownMunicipalityError, type CertificateRecord, type SqlClient } from '../../../reference/ca/index.js';
import type { CertificateStatusEntry } from '../../../reference/ca/revocation-source.js';
import { ValidationError } from '../../../runtime/errors.js';
import { openssl, temporaryFolder } from '../../helpers/openssl-asn1.js';
import { backends } from './backends.js';
import { KIMIKO, keyPairFrom, opensslText, opensslVerify, subjectKeyPool, TARO, writePem } from './ca-fixtures.js';

const ISSUED_AT = new Date('2026-11-29T03:00:00Z');
const pool = subjectKeyPool(8);
const scratch = temporaryFolder('jpkigen-ca-');
afterAll(() => scratch.remove());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The simulated CA name (O=JPKI-SIM) is accepted by the profiles with a notice naming the simulated hierarchy; nothing may be an error. */
function simulatedNameFindingsOnly(findings: readonly LintFinding[]): boolean {
  const errors = findings.filter((finding) => finding.severity === 'error');
  return errors.length === 0 && findings.some((finding) => finding.severity === 'notice' && finding.code === 'issuer.organizationName.simulatedHierarchy');
}

function crlDistributionPointOf(der: Uint8Array): Uint8Array {
  const extension = decodeCertificate(der).tbsCertificate.extensions?.find((entry) => entry.extnID === idCeCRLDistributionPoints);
  const points = extension?.extnValue.value as { distributionPoint?: { type: string; value: { type: string; value: Name }[] } }[];
  const name = points[0]?.distributionPoint?.value[0]?.value as Name;
  return encodeName(name);
}

describe.each(backends)('CertificateAuthority on $name', (backend) => {
  let database: SqlClient;
  let authority: CertificateAuthority;
  let caFiles: Record<string, string>;
  let now = ISSUED_AT;

  beforeAll(async () => {
    database = await backend.open();
    authority = await CertificateAuthority.open({ database, keystore: new MemoryKeystore(), clock: () => now });
    await authority.bootstrap({ at: new Date('2026-01-01T00:00:00Z') });
    caFiles = Object.fromEntries(authority.generations().map((generation) => [generation.caId, writePem(scratch.folder, `${backend.name}-${generation.caId}`, generation.certificate)]));
  });
  afterAll(async () => {
    await database?.close();
  });

  function caFileFor(record: CertificateRecord): string {
    return caFiles[record.caId] as string;
  }

  function lint(record: CertificateRecord, context: { cardCertificate?: Uint8Array; authenticationCertificate?: Uint8Array } = {}): LintFinding[] {
    return lintCertificate(record.der, certificateProfileNameFor(record.carrier, record.kind), { issuerCertificate: authority.generation(record.caId).certificate, ...context });
  }

  function verify(record: CertificateRecord): string {
    return opensslVerify(caFileFor(record), writePem(scratch.folder, `${backend.name}-${record.serialHex}`, record.der), Math.floor(now.getTime() / 1000));
  }

  it('bootstraps signca03 and authca03: self-signed, simulated names, the jpki-ca extensions, idempotently', async () => {
    expect(authority.generations().map((generation) => generation.caId)).toEqual(['authca03', 'signca03']);
    for (const generation of authority.generations()) {
      const file = caFiles[generation.caId] as string;
      expect(opensslVerify(file, file, Math.floor(ISSUED_AT.getTime() / 1000))).toMatch(/: OK$/u);
      const text = opensslText(file);
      const unit = generation.kind === 'signature' ? 'JPKI for digital signature' : 'JPKI for user authentication';
      expect(text).toContain(`Issuer: C=JP, O=JPKI-SIM, OU=${unit}, OU=jpkigen simulated CA - not J-LIS`);
      expect(text).toContain(`Subject: C=JP, O=JPKI-SIM, OU=${unit}, OU=jpkigen simulated CA - not J-LIS`);
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/u);
      expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/u);
      expect(text).toMatch(/CRL Distribution Points:\s+Full Name:\s+DirName:C = JP, O = JPKI-SIM, OU = JPKI for [a-z ]+, OU = jpkigen simulated CA - not J-LIS\n/u);
      expect(text).toContain('X509v3 Subject Key Identifier');
      expect(text).toMatch(/Public-Key: \(2048 bit\)[\s\S]*Exponent: 65537/u);
      expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
      expect(openssl(['x509', '-in', file, '-noout', '-enddate']).trim()).toBe('notAfter=Dec 31 14:59:59 2035 GMT');
      expect(simulatedNameFindingsOnly(lintCertificate(generation.certificate, 'jpkiCa'))).toBe(true);
    }
    const before = authority.generations().map((generation) => generation.keyLabel);
    await authority.bootstrap();
    expect(authority.generations().map((generation) => generation.keyLabel)).toEqual(before);
    expect(authority.issuers().map((issuer) => issuer.caId)).toEqual(['authca03', 'signca03']);
  });

  it('issues a card pair that openssl verifies, with the JPKI card profile and validity to the 5th birthday', async () => {
    const pair = await authority.issueCardPair({ holder: TARO, municipalityCode: '13101', publicKeys: keyPairFrom(pool, 0), issuedAt: ISSUED_AT });
    expect(pair.signature.caId).toBe('signca03');
    expect(pair.userAuthentication.caId).toBe('authca03');
    for (const record of [pair.signature, pair.userAuthentication]) {
      expect(verify(record)).toMatch(/: OK$/u);
      const file = writePem(scratch.folder, `${backend.name}-${record.serialHex}`, record.der);
      // Born 15 May 1985, issued 29 Nov 2026: the 5th birthday after issuance is 15 May 2031, 23:59:59 JST.
      expect(openssl(['x509', '-in', file, '-noout', '-enddate']).trim()).toBe('notAfter=May 15 14:59:59 2031 GMT');
      expect(openssl(['x509', '-in', file, '-noout', '-serial']).trim()).toBe(`serial=${record.serialHex}`);
      expect(record.serialHex).toHaveLength(18);
    }
    expect(simulatedNameFindingsOnly(lint(pair.userAuthentication, { dateOfBirth: TARO.dateOfBirth } as never))).toBe(true);
    expect(simulatedNameFindingsOnly(lint(pair.signature, { authenticationCertificate: pair.userAuthentication.der }))).toBe(true);
    const signText = opensslText(writePem(scratch.folder, 'sign', pair.signature.der));
    expect(signText).toMatch(/Subject: C=JP, L=Tokyo-to, L=Chiyoda-ku, CN=\d{14}\d{5}13101J001/u);
    expect(signText).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/u);
    expect(signText).toContain('othername: 1.2.392.200149.8.5.5.1::公的　太郎, othername: 1.2.392.200149.8.5.5.4::319850515, othername: 1.2.392.200149.8.5.5.3::1, othername: 1.2.392.200149.8.5.5.5::東京都千代田区霞が関九丁目九番九号, othername: 1.2.392.200149.8.5.5.2::00000, othername: 1.2.392.200149.8.5.5.6::00000000000000000');
    expect(signText).toMatch(/X509v3 Certificate Policies: critical\s+Policy: 1\.2\.392\.200149\.8\.5\.1\.1\.20\s+CPS: http:\/\/www\.jpki\.go\.jp\/cps\.html/u);
    expect(signText).toContain('DirName:C = JP, O = JPKI, OU = JPKI for digital signature, OU = CRL Distribution Points, OU = Tokyo-to, CN = Chiyoda-ku CRLDP');
    expect(signText).toMatch(/X509v3 Issuer Alternative Name:\s+DirName:/u);
    expect(signText).toMatch(/Authority Key Identifier:\s+keyid:[0-9A-F:]+\s+DirName:\/C=JP\/O=JPKI-SIM\/OU=JPKI for digital signature[^\n]*\s+serial:/u);
    expect(signText).not.toContain('Authority Information Access');
    const authText = opensslText(writePem(scratch.folder, 'auth', pair.userAuthentication.der));
    expect(authText).toMatch(/Subject: C=JP, CN=[0-9A-Z]{14}13101003A\n/u);
    expect(authText).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/u);
    expect(authText).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication/u);
    expect(authText).toMatch(/Policy: 1\.2\.392\.200149\.8\.5\.1\.3\.30/u);
    expect(authText).toContain('DirName:C = JP, O = JPKI, OU = JPKI for user authentication, OU = CRL Distribution Points, OU = Tokyo-to, CN = Chiyoda-ku CRLDP');
    expect(authText).toMatch(/Authority Information Access:\s+OCSP - URI:http:\/\//u);
    expect(authText).not.toContain('othername');
    // The CA's own serial in the AKI, as in the real certificates.
    const signca = authority.generation('signca03');
    expect(signText.replace(/\s+/gu, '')).toContain(`serial:${(serialToHex(signca.serialNumber).match(/../gu) ?? []).join(':')}`);
  });

  it('reports statuses through the RevocationSource contract: revoke, hold, release, with typed refusals', async () => {
    const pair = await authority.issueCardPair({ holder: KIMIKO, municipalityCode: '27127', publicKeys: keyPairFrom(pool, 1), issuedAt: ISSUED_AT });
    const auth = pair.userAuthentication;
    const counter = await authority.changeCounter();
    expect(await authority.statusOf('authca03', auth.serialNumber)).toEqual({ serialNumber: auth.serialNumber, status: 'good' });
    expect(await authority.statusOf('signca03', auth.serialNumber)).toEqual({ serialNumber: auth.serialNumber, status: 'unknown' });
    expect(await authority.statusOf('authca03', 0x1234n)).toEqual({ serialNumber: 0x1234n, status: 'unknown' });

    const heldAt = new Date('2026-12-01T00:00:00Z');
    await authority.hold(auth.serialNumber, heldAt);
    expect(await authority.statusOf('authca03', auth.serialNumber)).toEqual({ serialNumber: auth.serialNumber, status: 'revoked', revokedAt: heldAt, reason: 'certificateHold' });
    expect(await authority.changeCounter()).toBe(counter + 1n);
    await authority.release(auth.serialNumber);
    expect((await authority.statusOf('authca03', auth.serialNumber)).status).toBe('good');
    await expect(authority.release(auth.serialNumber)).rejects.toMatchObject({ code: 'CA_NOT_HELD' });

    const revokedAt = new Date('2026-12-02T00:00:00Z');
    await authority.revoke(pair.signature.serialNumber, 'affiliationChanged', revokedAt);
    expect(await authority.statusOf('signca03', pair.signature.serialNumber)).toEqual({ serialNumber: pair.signature.serialNumber, status: 'revoked', revokedAt, reason: 'affiliationChanged' });
    await expect(authority.revoke(pair.signature.serialNumber, 'keyCompromise')).rejects.toMatchObject({ code: 'CA_ALREADY_REVOKED' });
    await expect(authority.hold(pair.signature.serialNumber)).rejects.toMatchObject({ code: 'CA_ALREADY_REVOKED' });
    await expect(authority.revoke(auth.serialNumber, 'removeFromCRL')).rejects.toMatchObject({ code: 'CA_BAD_REASON' });
    await expect(authority.revoke(0x0bad_cafen, 'keyCompromise')).rejects.toMatchObject({ code: 'CA_UNKNOWN_CERTIFICATE' });
    // A failed change leaves the counter where the successful ones put it.
    expect(await authority.changeCounter()).toBe(counter + 3n);

    // revoke(…, 'certificateHold') is a hold; a held certificate can then be revoked for good.
    await authority.revoke(auth.serialNumber, 'certificateHold', heldAt);
    await authority.revoke(auth.serialNumber, 'keyCompromise', revokedAt);
    expect(await authority.statusOf('authca03', auth.serialNumber)).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });

    const points = await authority.distributionPoints('signca03');
    const osaka = points.find((point) => point.municipalityCode === '27127');
    expect(osaka?.name).toEqual(crlDistributionPointOf(pair.signature.der));
    const entries = await collect(authority.revokedEntries('signca03', { municipalityCode: '27127' }));
    expect(entries).toContainEqual({ serialNumber: pair.signature.serialNumber, revokedAt, reason: 'affiliationChanged' });
    expect(await collect(authority.revokedEntries('signca03', { municipalityCode: '13101' }))).not.toContainEqual(expect.objectContaining({ serialNumber: pair.signature.serialNumber }));
    expect(await collect(authority.revokedEntries('authca03', 'arl'))).toEqual([]);
    const current = await collect(authority.currentStatuses('signca03'));
    expect(current).toContainEqual({ serialNumber: pair.signature.serialNumber, status: 'revoked', revokedAt, reason: 'affiliationChanged' });
    expect(current.every((entry: CertificateStatusEntry) => entry.status !== 'unknown')).toBe(true);
  });

  it('issues smartphone pairs from the card pair: linked, capped by the card, one device at a time', async () => {
    const cardExpiresAt = new Date('2029-03-31T14:59:59Z');
    const card = await authority.issueCardPair({ holder: TARO, municipalityCode: '13221', publicKeys: keyPairFrom(pool, 2), issuedAt: ISSUED_AT, cardExpiresAt });
    expect(card.userAuthentication.notAfter).toEqual(cardExpiresAt);
    expect(card.signature.notAfter <= card.userAuthentication.notAfter).toBe(true);

    const first = await authority.issueSmartphonePair({ holderId: card.holderId, deviceId: 'android-0001', publicKeys: keyPairFrom(pool, 3), issuedAt: new Date('2026-12-10T00:00:00Z') });
    now = new Date('2026-12-10T00:00:00Z');
    for (const kind of ['signature', 'userAuthentication'] as const) {
      const phone = first[kind];
      expect(phone.carrier).toBe('smartphone');
      expect(phone.linkedCardSerialNumber).toBe(card[kind].serialNumber);
      expect(phone.notAfter <= card[kind].notAfter).toBe(true);
      expect(verify(phone)).toMatch(/: OK$/u);
      expect(simulatedNameFindingsOnly(lint(phone, { cardCertificate: card[kind].der, ...(kind === 'signature' ? { authenticationCertificate: first.userAuthentication.der } : {}) }))).toBe(true);
    }
    expect(first.signature.notAfter <= first.userAuthentication.notAfter).toBe(true);
    expect(opensslText(writePem(scratch.folder, 'phone-sign', first.signature.der))).toMatch(/Policy: 1\.2\.392\.200149\.8\.5\.1\.1\.40/u);

    const second = await authority.issueSmartphonePair({ holderId: card.holderId, deviceId: 'iphone-0002', publicKeys: keyPairFrom(pool, 0), issuedAt: new Date('2027-01-05T00:00:00Z') });
    expect(second.revoked.map((record) => record.serialNumber).sort()).toEqual([first.signature.serialNumber, first.userAuthentication.serialNumber].sort());
    expect(await authority.statusOf('signca03', first.signature.serialNumber)).toMatchObject({ status: 'revoked', reason: 'superseded', revokedAt: new Date('2027-01-05T00:00:00Z') });
    expect(await authority.statusOf('authca03', first.userAuthentication.serialNumber)).toMatchObject({ status: 'revoked', reason: 'superseded' });
    expect((await authority.statusOf('authca03', card.userAuthentication.serialNumber)).status).toBe('good');

    const links = await collect(authority.linkageRecords('signca03'));
    expect(links).toContainEqual({ oldSerialNumber: card.signature.serialNumber, newSerialNumber: first.signature.serialNumber, reason: 'mobileIssued', linkedAt: new Date('2026-12-10T00:00:00Z') });
    expect(links).toContainEqual({ oldSerialNumber: card.signature.serialNumber, newSerialNumber: second.signature.serialNumber, reason: 'mobileIssued', linkedAt: new Date('2027-01-05T00:00:00Z') });
    expect(links).toContainEqual({ oldSerialNumber: first.signature.serialNumber, newSerialNumber: second.signature.serialNumber, reason: 'mobileReplaced', linkedAt: new Date('2027-01-05T00:00:00Z') });
    expect((await collect(authority.linkageRecords('authca03'))).filter((link) => link.reason === 'mobileReplaced')).toContainEqual(
      expect.objectContaining({ oldSerialNumber: first.userAuthentication.serialNumber, newSerialNumber: second.userAuthentication.serialNumber }),
    );

    // No phone certificate from a revoked card certificate.
    await authority.revoke(card.signature.serialNumber, 'keyCompromise', new Date('2027-02-01T00:00:00Z'));
    await expect(authority.issueSmartphonePair({ holderId: card.holderId, deviceId: 'android-0003', publicKeys: keyPairFrom(pool, 1), issuedAt: new Date('2027-02-02T00:00:00Z') })).rejects.toMatchObject({ code: 'CA_NO_CARD_CERTIFICATE' });
    now = ISSUED_AT;
  });

  it('renews and reissues card pairs, revoking the old certificates and writing renewal/reissue linkage', async () => {
    const card = await authority.issueCardPair({ holder: TARO, municipalityCode: '13101', publicKeys: keyPairFrom(pool, 2), issuedAt: ISSUED_AT });
    const phone = await authority.issueSmartphonePair({ holderId: card.holderId, deviceId: 'android-9', publicKeys: keyPairFrom(pool, 3), issuedAt: ISSUED_AT });
    const renewedAt = new Date('2031-03-01T00:00:00Z');
    const renewed = await authority.renewCardPair({ holderId: card.holderId, publicKeys: keyPairFrom(pool, 0), issuedAt: renewedAt });
    expect(renewed.revoked.map((record) => `${record.carrier}/${record.kind}/${record.reason}`).sort()).toEqual([
      'card/signature/superseded',
      'card/userAuthentication/superseded',
      'smartphone/signature/superseded',
      'smartphone/userAuthentication/superseded',
    ]);
    expect(await authority.statusOf('authca03', phone.userAuthentication.serialNumber)).toMatchObject({ status: 'revoked', reason: 'superseded' });
    // Born 15 May, renewed 1 Mar 2031 (inside the 3 months before the birthday): the 6th birthday,
    // 15 May 2036, would be the end, but no certificate outlives its CA (31 Dec 2035).
    expect(renewed.userAuthentication.notAfter).toEqual(new Date('2035-12-31T14:59:59Z'));
    expect(renewed.userAuthentication.notAfter).toEqual(authority.generation('authca03').notAfter);
    expect(await collect(authority.linkageRecords('authca03'))).toContainEqual({ oldSerialNumber: card.userAuthentication.serialNumber, newSerialNumber: renewed.userAuthentication.serialNumber, reason: 'renewal', linkedAt: renewedAt });

    const movedTo = { ...TARO, address: '大阪府大阪市北区中之島一丁目一番一号', addressSubstitutionFlags: '000000000000000000' };
    const reissued = await authority.reissueCardPair({ holderId: card.holderId, publicKeys: keyPairFrom(pool, 1), issuedAt: new Date('2031-04-01T00:00:00Z'), holder: movedTo, municipalityCode: '27127', revocationReason: 'affiliationChanged' });
    expect(reissued.revoked.map((record) => record.reason)).toEqual(['affiliationChanged', 'affiliationChanged']);
    expect(reissued.signature.municipalityCode).toBe('27127');
    expect(await authority.holder(card.holderId)).toMatchObject({ municipalityCode: '27127', basicFourInfo: movedTo });
    const text = opensslText(writePem(scratch.folder, 'reissued', reissued.signature.der));
    expect(text).toContain('othername: 1.2.392.200149.8.5.5.5::大阪府大阪市北区中之島一丁目一番一号');
    expect(text).toContain('OU = Osaka-fu, CN = Osaka-shi Kita-ku CRLDP');
    expect(await collect(authority.linkageRecords('signca03'))).toContainEqual({ oldSerialNumber: renewed.signature.serialNumber, newSerialNumber: reissued.signature.serialNumber, reason: 'reissue', linkedAt: new Date('2031-04-01T00:00:00Z') });
    await expect(authority.renewCardPair({ holderId: card.holderId, publicKeys: keyPairFrom(pool, 0), revocationReason: 'keyCompromise' })).rejects.toMatchObject({ code: 'CA_BAD_REQUEST' });
  });

  it('refuses bad requests with typed errors and stores nothing for them', async () => {
    const counter = await authority.changeCounter();
    await expect(authority.issueCardPair({ holder: TARO, municipalityCode: '99999', publicKeys: keyPairFrom(pool, 0) })).rejects.toBeInstanceOf(UnknownMunicipalityError);
    await expect(authority.issueCardPair({ holder: TARO, municipalityCode: '1310', publicKeys: keyPairFrom(pool, 0) })).rejects.toMatchObject({ code: 'CA_UNKNOWN_MUNICIPALITY' });
    await expect(authority.issueCardPair({ holder: { ...TARO, sex: '3' as never }, municipalityCode: '13101', publicKeys: keyPairFrom(pool, 0) })).rejects.toBeInstanceOf(ValidationError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    await expect(authority.issueCardPair({ holder: TARO, municipalityCode: '13101', publicKeys: { signature: new Uint8Array(ec), userAuthentication: pool[0] as Uint8Array } })).rejects.toMatchObject({ code: 'CA_BAD_PUBLIC_KEY' });
    await expect(authority.issueCardPair({ holder: TARO, municipalityCode: '13101', publicKeys: { signature: pool[0] as Uint8Array, userAuthentication: pool[0] as Uint8Array } })).rejects.toMatchObject({ code: 'CA_BAD_PUBLIC_KEY' });
    await expect(authority.issueCardPair({ holder: TARO, municipalityCode: '13101', publicKeys: { signature: new Uint8Array([0x30, 0x00]), userAuthentication: pool[0] as Uint8Array } })).rejects.toBeInstanceOf(CaError);
    await expect(authority.issueSmartphonePair({ holderId: 'Hnobody', deviceId: 'x', publicKeys: keyPairFrom(pool, 0) })).rejects.toMatchObject({ code: 'CA_UNKNOWN_HOLDER' });
    await expect(authority.issueSmartphonePair({ holderId: 'Hnobody', deviceId: 'has space', publicKeys: keyPairFrom(pool, 0) })).rejects.toMatchObject({ code: 'CA_BAD_REQUEST' });
    await expect(authority.issueCardPair({ holder: TARO, municipalityCode: '13101', publicKeys: keyPairFrom(pool, 0), issuedAt: new Date('2040-01-01T00:00:00Z'), cardExpiresAt: new Date('2039-01-01T00:00:00Z') })).rejects.toMatchObject({ code: 'CA_VALIDITY' });
    expect(await authority.changeCounter()).toBe(counter);
  });

  it('keeps serials unique and state consistent under concurrent issuance and revocation', async () => {
    const pairs = await Promise.all(Array.from({ length: 12 }, (_, index) => authority.issueCardPair({ holder: index % 2 === 0 ? TARO : KIMIKO, municipalityCode: index % 2 === 0 ? '13104' : '01101', publicKeys: keyPairFrom(pool, index), issuedAt: ISSUED_AT })));
    await Promise.all(pairs.map((pair, index) => (index % 3 === 0 ? authority.revoke(pair.signature.serialNumber, 'cessationOfOperation') : authority.hold(pair.userAuthentication.serialNumber))));
    const serials = await database.query<{ serial_hex: string }>('SELECT serial_hex FROM certificates');
    expect(new Set(serials.rows.map((row) => row.serial_hex)).size).toBe(serials.rows.length);
    expect(serials.rows.every((row) => row.serial_hex.length === 18)).toBe(true);
    expect(await authority.checkConsistency()).toEqual([]);
  });

  it('has a consistency check that reports damage done behind its back', async () => {
    const pair = await authority.issueCardPair({ holder: TARO, municipalityCode: '13101', publicKeys: keyPairFrom(pool, 5), issuedAt: ISSUED_AT });
    const phone = await authority.issueSmartphonePair({ holderId: pair.holderId, deviceId: 'check', publicKeys: keyPairFrom(pool, 6), issuedAt: ISSUED_AT });
    expect(await authority.checkConsistency()).toEqual([]);
    await database.query('UPDATE certificates SET der = $2 WHERE serial_hex = $1', [pair.signature.serialHex, pair.userAuthentication.der]);
    await database.query("UPDATE certificates SET not_after = not_after + interval '1 day' WHERE serial_hex = $1", [phone.userAuthentication.serialHex]);
    const problems = await authority.checkConsistency();
    expect(problems).toContain(`${pair.signature.serialHex}: DER serial differs`);
    expect(problems).toContain(`${phone.userAuthentication.serialHex}: outlives its card certificate`);
    // Put it back for the tests that follow.
    await database.query('UPDATE certificates SET der = $2 WHERE serial_hex = $1', [pair.signature.serialHex, pair.signature.der]);
    await database.query('UPDATE certificates SET not_after = $2 WHERE serial_hex = $1', [phone.userAuthentication.serialHex, phone.userAuthentication.notAfter]);
    expect(await authority.checkConsistency()).toEqual([]);
  });

  it('reopens from the same database and keystore with the same generations', async () => {
    const reopened = await CertificateAuthority.open({ database, keystore: authority.keystore });
    expect(reopened.generations().map((generation) => [generation.caId, generation.keyLabel])).toEqual(authority.generations().map((generation) => [generation.caId, generation.keyLabel]));
    expect(await reopened.changeCounter()).toBe(await authority.changeCounter());
    const caIds: JpkiCaId[] = reopened.issuers().map((issuer) => issuer.caId);
    expect(caIds).toEqual(['authca03', 'signca03']);
  });
});
