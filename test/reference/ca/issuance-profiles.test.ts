/**
 * The spec-driven issuance profile under both CA name styles: openssl verifies every certificate,
 * and the spec profiles' linter finds no error (the simulated O=JPKI-SIM name only a notice).
 * The validity rules themselves are tested with the profiles (test/runtime/profiles/validity.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { lintCertificate } from '../../../generated/profiles/index.js';
import { certificateProfileNameFor, CertificateAuthority, MemoryKeystore, openDatabase, specIssuanceProfile, type IssuanceProfile } from '../../../reference/ca/index.js';
import { temporaryFolder } from '../../helpers/openssl-asn1.js';
import { KIMIKO, keyPairFrom, opensslVerify, subjectKeyPool, TARO, writePem } from './ca-fixtures.js';

const pool = subjectKeyPool(4);
const scratch = temporaryFolder('jpkigen-ca-profiles-');
afterAll(() => scratch.remove());

const cases: readonly [string, IssuanceProfile, 'simulated' | 'jlis-shaped'][] = [
  ['spec profiles, simulated names', specIssuanceProfile, 'simulated'],
  ['spec profiles, J-LIS-shaped names', specIssuanceProfile, 'jlis-shaped'],
];

describe.each(cases)('%s', (_name, profile, names) => {
  it('issues CA, card and smartphone certificates that openssl verifies and the profile linter accepts', async () => {
    const database = await openDatabase({});
    try {
      const authority = await CertificateAuthority.open({ database, keystore: new MemoryKeystore(), profile });
      await authority.bootstrap({ names });
      // The simulated names are accepted with a notice; neither naming is an error.
      const expectedIssuerErrors: string[] = [];
      const errorsOf = (findings: readonly { severity: string; code: string }[]) => findings.filter((finding) => finding.severity === 'error').map((finding) => finding.code).sort();
      for (const generation of authority.generations()) expect(errorsOf(lintCertificate(generation.certificate, 'jpkiCa'))).toEqual(expectedIssuerErrors);
      const card = await authority.issueCardPair({ holder: KIMIKO, municipalityCode: '01101', publicKeys: keyPairFrom(pool, 0) });
      const phone = await authority.issueSmartphonePair({ holderId: card.holderId, deviceId: 'device-a', publicKeys: keyPairFrom(pool, 1) });
      for (const record of [card.signature, card.userAuthentication, phone.signature, phone.userAuthentication]) {
        const caFile = writePem(scratch.folder, `${names}-${record.caId}`, authority.generation(record.caId).certificate);
        expect(opensslVerify(caFile, writePem(scratch.folder, record.serialHex, record.der))).toMatch(/: OK$/u);
        const context = {
          issuerCertificate: authority.generation(record.caId).certificate,
          ...(record.carrier === 'smartphone' ? { cardCertificate: card[record.kind].der } : {}),
          ...(record.kind === 'signature' ? { authenticationCertificate: (record.carrier === 'card' ? card : phone).userAuthentication.der } : {}),
        };
        const findings = lintCertificate(record.der, certificateProfileNameFor(record.carrier, record.kind), context);
        expect(errorsOf(findings), JSON.stringify(findings)).toEqual(expectedIssuerErrors);
        expect(findings.some((finding) => finding.code === 'issuer.organizationName.simulatedHierarchy')).toBe(names === 'simulated');
      }
    } finally {
      await database.close();
    }
  });
});
