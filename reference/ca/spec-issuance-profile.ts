/**
 * The IssuanceProfile from the spec-driven certificate profiles (spec/profiles →
 * generated/profiles): extensions, validity and subject come from certificateExtensions,
 * certificateValidity and subjectName. The CA keeps its simulated names (O=JPKI-SIM, see
 * names.ts) for its own subject and issuer, where the profiles prescribe the real J-LIS name.
 */
import { randomInt } from 'node:crypto';
import { certificateExtensions, certificateValidity, subjectName, type CertificateProfileName } from '../../generated/profiles/index.js';
import type { CertificateCarrier, CertificateKind } from '../../generated/messages/types.js';
import type { CaCertificateInput, CertificateContent, EndEntityInput, IssuanceProfile } from './issuance-profile.js';
import { crlDistributionPointName } from './municipalities.js';
import { nameToDer } from './names.js';

const PROFILE_NAMES: Readonly<Record<CertificateCarrier, Readonly<Record<CertificateKind, CertificateProfileName>>>> = {
  card: { signature: 'cardSignature', userAuthentication: 'cardAuthentication' },
  smartphone: { signature: 'smartphoneSignature', userAuthentication: 'smartphoneAuthentication' },
};

export function certificateProfileNameFor(carrier: CertificateCarrier, kind: CertificateKind): CertificateProfileName {
  return PROFILE_NAMES[carrier][kind];
}

function variantOf(kind: CertificateKind): string {
  return kind === 'signature' ? 'signature' : 'authentication';
}

function randomCharacters(alphabet: string, count: number): string {
  let text = '';
  for (let index = 0; index < count; index += 1) text += alphabet[randomInt(alphabet.length)];
  return text;
}

/**
 * CN layouts of jpki.md §2.2–2.3: the authentication CN is 23 characters ending in the
 * municipality code and "003A"; the signature CN is the issuance time in JST (14 digits), a
 * 5-digit sequence and a 9-character reception-desk code (ours: the municipality code + "J001").
 */
function commonNameFor(input: EndEntityInput): string {
  if (input.kind === 'userAuthentication') return `${randomCharacters('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 14)}${input.municipality.code}003A`;
  const jst = new Date(input.issuedAt.getTime() + 9 * 3600_000).toISOString().replace(/[-:T]/gu, '').slice(0, 14);
  return `${jst}${randomCharacters('0123456789', 5)}${input.municipality.code}J001`;
}

export const specIssuanceProfile: IssuanceProfile = {
  source: 'spec/profiles (generated/profiles)',

  caCertificate(input: CaCertificateInput): CertificateContent {
    return {
      subject: input.subject,
      notBefore: new Date(Math.floor(input.notBefore.getTime() / 1000) * 1000),
      notAfter: new Date(Math.floor(input.notAfter.getTime() / 1000) * 1000),
      extensions: certificateExtensions('jpkiCa', { subjectPublicKeyInfo: input.subjectPublicKey, crlDistributionPoint: nameToDer(input.subject), variant: variantOf(input.kind) }),
    };
  },

  endEntityCertificate(input: EndEntityInput): CertificateContent {
    const profile = certificateProfileNameFor(input.carrier, input.kind);
    const validity = certificateValidity(profile, {
      issuedAt: input.issuedAt,
      dateOfBirth: input.holder.dateOfBirth,
      ...(input.renewal === true ? { renewal: true } : {}),
      ...(input.limits.card === undefined ? {} : { cardNotAfter: input.limits.card }),
      ...(input.limits.authentication === undefined ? {} : { authenticationNotAfter: input.limits.authentication }),
      ...(input.limits.issuer === undefined ? {} : { caNotAfter: input.limits.issuer }),
    });
    const extensions = certificateExtensions(profile, {
      subjectPublicKeyInfo: input.subjectPublicKey,
      issuerCertificate: input.issuer.certificate,
      crlDistributionPoint: nameToDer(crlDistributionPointName(input.kind, input.municipality.code)),
      ...(input.kind === 'signature' ? { personalData: input.holder } : {}),
    });
    const subject = subjectName(profile, { commonName: commonNameFor(input), prefecture: input.municipality.prefectureRomaji, municipality: input.municipality.municipalityRomaji });
    return { subject, notBefore: validity.notBefore, notAfter: validity.notAfter, extensions };
  },
};
