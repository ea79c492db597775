/**
 * Distinguished names as the JPKI certificates write them: countryName as PrintableString, every
 * other attribute as UTF8String (as in the J-LIS CA certificates and the synthetic signature
 * certificate, ../shared/reference/jpki.md §2.1, §2.3).
 */
import { encodeName, type Name } from '../../generated/asn1/index.js';
import type { CertificateKind, JpkiCaId } from '../../generated/messages/types.js';

export const ID_AT_COUNTRY = '2.5.4.6';
export const ID_AT_ORGANIZATION = '2.5.4.10';
export const ID_AT_ORGANIZATIONAL_UNIT = '2.5.4.11';
export const ID_AT_COMMON_NAME = '2.5.4.3';
export const ID_AT_LOCALITY = '2.5.4.7';

export type NameAttribute = readonly ['C' | 'O' | 'OU' | 'CN' | 'L', string];

const ATTRIBUTE_OIDS = { C: ID_AT_COUNTRY, O: ID_AT_ORGANIZATION, OU: ID_AT_ORGANIZATIONAL_UNIT, CN: ID_AT_COMMON_NAME, L: ID_AT_LOCALITY } as const;

/** One attribute per RDN, in the order given (most significant first). */
export function buildName(attributes: readonly NameAttribute[]): Name {
  return {
    type: 'rdnSequence',
    value: attributes.map(([short, text]) => [
      {
        type: ATTRIBUTE_OIDS[short],
        value: { value: short === 'C' ? text : { type: 'utf8String' as const, value: text } },
      },
    ]),
  };
}

export function nameToDer(name: Name): Uint8Array {
  return encodeName(name);
}

/** The `OU=JPKI for …` of each CA kind (jpki.md §2.1). */
export function kindOrganizationalUnit(kind: CertificateKind): string {
  return kind === 'signature' ? 'JPKI for digital signature' : 'JPKI for user authentication';
}

export function caKindOf(caId: JpkiCaId): CertificateKind {
  return caId.startsWith('sign') ? 'signature' : 'userAuthentication';
}

/**
 * The simulated CAs' subject (= issuer) name. After the real one, `C=JP, O=JPKI, OU=JPKI for …,
 * OU=Japan Agency for Local Authority Information Systems`, but O=JPKI-SIM and the last OU say
 * plainly that no certificate of ours comes from J-LIS. All generations of one kind share the
 * name, as the real ones do, so issuers are told apart by key identifier.
 */
export function simulatedCaName(kind: CertificateKind): Name {
  return buildName([
    ['C', 'JP'],
    ['O', 'JPKI-SIM'],
    ['OU', kindOrganizationalUnit(kind)],
    ['OU', 'jpkigen simulated CA - not J-LIS'],
  ]);
}

/**
 * The Japanese directory name in the CA's subjectAltName and the end-entity issuerAltName, worded
 * as the real ones (jpki.md §2.1); the simulated subject/issuer name is what marks our certificates.
 */
export function caJapaneseName(kind: CertificateKind): Name {
  return buildName([
    ['C', 'JP'],
    ['O', '公的個人認証サービス'],
    ['OU', kind === 'signature' ? '公的個人認証サービス署名用' : '公的個人認証サービス利用者証明用'],
    ['OU', '地方公共団体情報システム機構'],
  ]);
}

/**
 * The J-LIS-shaped CA name (`O=JPKI, OU=…, OU=Japan Agency for Local Authority Information
 * Systems`), for setups that must pass the jpki-ca profile's name checks. Certificates under it
 * are still ours, not J-LIS's: their keys are generated here.
 */
export function jlisShapedCaName(kind: CertificateKind): Name {
  return buildName([
    ['C', 'JP'],
    ['O', 'JPKI'],
    ['OU', kindOrganizationalUnit(kind)],
    ['OU', 'Japan Agency for Local Authority Information Systems'],
  ]);
}
