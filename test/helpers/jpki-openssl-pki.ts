/**
 * A small JPKI-shaped PKI made entirely by openssl (the independent party): a signature CA and a
 * user-authentication CA with the J-LIS DNs, end-entity certificates with the JPKI extensions
 * (jpki.md §2.2–2.4; SAN otherNames with 基本4情報), a CRL from `openssl ca -gencrl` and OCSP
 * responses from `openssl ocsp` answering from the same index.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pemToDer } from '../../runtime/der/pem.js';
import { openssl, temporaryFolder } from './openssl-asn1.js';

export const SIGN_CA_DN = '/C=JP/O=JPKI/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems';
export const AUTH_CA_DN = '/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems';

export const SIGNER = {
  name: '公的　太郎',
  nameSubstitutionFlags: '00000',
  sex: '1',
  dateOfBirth: '319850515',
  address: '東京都千代田区霞が関九丁目九番九号',
  addressSubstitutionFlags: '00000000000000000',
} as const;

export interface EndEntitySpec {
  readonly name: string;
  readonly ca: 'sign' | 'auth';
  readonly serial: string;
  readonly policies: readonly string[];
  readonly keyUsage: string;
  readonly san?: boolean;
  /** Days from now; negative for an already expired certificate. */
  readonly startDays?: number;
  readonly endDays?: number;
  /** Revocation recorded in the CA index (CRL and OCSP). */
  readonly revoked?: 'keyCompromise' | 'superseded' | 'certificateHold';
  /** Not in the index at all: OCSP answers unknown. */
  readonly unissued?: boolean;
}

export interface EndEntity {
  readonly spec: EndEntitySpec;
  readonly der: Uint8Array;
  readonly keyFile: string;
  readonly certFile: string;
  readonly ocspResponse: Uint8Array;
}

export interface OpensslPki {
  readonly folder: string;
  readonly signCa: Uint8Array;
  readonly authCa: Uint8Array;
  readonly signCrl: Uint8Array;
  readonly authCrl: Uint8Array;
  readonly entities: ReadonlyMap<string, EndEntity>;
  entity(name: string): EndEntity;
  /** Signs a DER DigestInfo with the entity's key the way the JPKI-AP does (PKCS#1 v1.5 over the given block). */
  signDigestInfo(name: string, digestInfo: Uint8Array): Uint8Array;
  file(name: string): string;
  remove(): void;
}

export const DEFAULT_ENTITIES: readonly EndEntitySpec[] = [
  { name: 'sign-card', ca: 'sign', serial: '01A2B3C5', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true },
  { name: 'sign-phone', ca: 'sign', serial: '01A2C0F1', policies: ['1.2.392.200149.8.5.1.1.40'], keyUsage: 'digitalSignature, nonRepudiation', san: true },
  { name: 'auth-card', ca: 'auth', serial: '01A2B3C4', policies: ['1.2.392.200149.8.5.1.3.30'], keyUsage: 'digitalSignature' },
  { name: 'auth-phone', ca: 'auth', serial: '01A2B3D0', policies: ['1.2.392.200149.8.5.1.3.40'], keyUsage: 'digitalSignature' },
  { name: 'sign-revoked', ca: 'sign', serial: '01A2B3C6', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true, revoked: 'keyCompromise' },
  { name: 'sign-held', ca: 'sign', serial: '01A2B3C7', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true, revoked: 'certificateHold' },
  { name: 'sign-expired', ca: 'sign', serial: '01A2B3C8', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true, startDays: -40, endDays: -10 },
  { name: 'sign-no-nr', ca: 'sign', serial: '01A2B3C9', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature', san: true },
  { name: 'sign-no-policy', ca: 'sign', serial: '01A2B3CA', policies: ['1.2.3.4'], keyUsage: 'digitalSignature, nonRepudiation', san: true },
  { name: 'sign-unissued', ca: 'sign', serial: '01A2B3CB', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true, unissued: true },
];

export function createOpensslPki(specs: readonly EndEntitySpec[] = DEFAULT_ENTITIES): OpensslPki {
  const { folder, remove } = temporaryFolder('jpkigen-pki-');
  const file = (name: string) => path.join(folder, name);
  const der = (name: string) => new Uint8Array(readFileSync(file(name)));
  const pemFileDer = (name: string) => pemToDer(readFileSync(file(name), 'utf8'));
  const indexLines: Record<'sign' | 'auth', string[]> = { sign: [], auth: [] };

  for (const [ca, dn, serial] of [['sign', SIGN_CA_DN, '067C6A21'], ['auth', AUTH_CA_DN, '06D18006']] as const) {
    writeFileSync(file(`${ca}-ca.cnf`), caConfig(folder, ca));
    openssl(['req', '-new', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${ca}-ca.key`), '-out', file(`${ca}-ca.pem`), '-utf8', '-subj', dn, '-set_serial', `0x${serial}`, '-days', '3650', '-config', file(`${ca}-ca.cnf`), '-extensions', 'ca_ext']);
  }

  const entities = new Map<string, EndEntity>();
  for (const spec of specs) {
    writeFileSync(file(`${spec.name}.cnf`), endEntityConfig(spec));
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${spec.name}.key`), '-out', file(`${spec.name}.csr`), '-utf8', '-subj', spec.ca === 'sign' ? `/C=JP/L=Tokyo-to/L=Chiyoda-ku/CN=2024052010234500001ZZ${spec.name.slice(0, 7)}` : `/C=JP/CN=ZZ0000SYN0TEST${spec.serial}`, '-config', file(`${spec.name}.cnf`)]);
    const start = dateAfterDays(spec.startDays ?? -1);
    const end = dateAfterDays(spec.endDays ?? 365);
    // openssl x509 -req has no -startdate in 3.0; `openssl ca` does, with its index left untouched (-notext, a scratch db).
    writeFileSync(file('scratch-index.txt'), '');
    writeFileSync(file('scratch-serial'), `${spec.serial}\n`);
    openssl(['ca', '-batch', '-config', file(`${spec.ca}-ca.cnf`), '-name', 'scratch', '-in', file(`${spec.name}.csr`), '-out', file(`${spec.name}.pem`), '-startdate', start, '-enddate', end, '-extfile', file(`${spec.name}.cnf`), '-extensions', 'ee_ext', '-notext', '-utf8', '-preserveDN']);
    if (spec.unissued !== true) {
      const revoked = spec.revoked === undefined ? '' : `${dateAfterDays(-1)},${spec.revoked}`;
      indexLines[spec.ca].push([spec.revoked === undefined ? 'V' : 'R', end, revoked, spec.serial, 'unknown', '/C=JP'].join('\t'));
    }
    entities.set(spec.name, { spec, der: pemFileDer(`${spec.name}.pem`), keyFile: file(`${spec.name}.key`), certFile: file(`${spec.name}.pem`), ocspResponse: new Uint8Array() });
  }

  for (const ca of ['sign', 'auth'] as const) {
    writeFileSync(file(`${ca}-index.txt`), indexLines[ca].map((line) => `${line}\n`).join(''));
    writeFileSync(file(`${ca}-index.txt.attr`), 'unique_subject = no\n');
    writeFileSync(file(`${ca}-crlnumber`), '1000\n');
    openssl(['ca', '-config', file(`${ca}-ca.cnf`), '-gencrl', '-crldays', '1', '-out', file(`${ca}.crl.pem`)]);
    openssl(['crl', '-in', file(`${ca}.crl.pem`), '-outform', 'DER', '-out', file(`${ca}.crl`)]);
  }

  for (const [name, entity] of entities) {
    const ca = entity.spec.ca;
    openssl(['ocsp', '-issuer', file(`${ca}-ca.pem`), '-cert', entity.certFile, '-reqout', file(`${name}.ocsp-req`), '-no_nonce']);
    openssl(['ocsp', '-index', file(`${ca}-index.txt`), '-rsigner', file(`${ca}-ca.pem`), '-rkey', file(`${ca}-ca.key`), '-CA', file(`${ca}-ca.pem`), '-reqin', file(`${name}.ocsp-req`), '-respout', file(`${name}.ocsp`), '-nmin', '15']);
    entities.set(name, { ...entity, ocspResponse: der(`${name}.ocsp`) });
  }

  return {
    folder,
    signCa: pemFileDer('sign-ca.pem'),
    authCa: pemFileDer('auth-ca.pem'),
    signCrl: der('sign.crl'),
    authCrl: der('auth.crl'),
    entities,
    entity(name) {
      const entity = entities.get(name);
      if (entity === undefined) throw new Error(`no end entity ${name}`);
      return entity;
    },
    signDigestInfo(name, digestInfo) {
      const entity = this.entity(name);
      writeFileSync(file('to-sign.bin'), digestInfo);
      openssl(['pkeyutl', '-sign', '-inkey', entity.keyFile, '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', file('to-sign.bin'), '-out', file('signed.bin')]);
      return der('signed.bin');
    },
    file,
    remove,
  };
}

function caConfig(folder: string, ca: 'sign' | 'auth'): string {
  const section = (name: string, database: string, serial: string) => `[${name}]
dir = ${folder}
database = ${database}
new_certs_dir = ${folder}
certificate = ${folder}/${ca}-ca.pem
private_key = ${folder}/${ca}-ca.key
serial = ${serial}
crlnumber = ${folder}/${ca}-crlnumber
default_md = sha256
default_crl_days = 1
policy = any
copy_extensions = none
unique_subject = no
`;
  return `[req]
distinguished_name = dn
string_mask = utf8only
[dn]
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca]
default_ca = main
${section('main', `${folder}/${ca}-index.txt`, `${folder}/${ca}-serial`)}
${section('scratch', `${folder}/scratch-index.txt`, `${folder}/scratch-serial`)}
[any]
countryName = optional
localityName = optional
commonName = optional
`;
}

function endEntityConfig(spec: EndEntitySpec): string {
  const san = spec.san === true
    ? `subjectAltName = @san
[san]
otherName.1 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:${SIGNER.name}
otherName.2 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:${SIGNER.dateOfBirth}
otherName.3 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8:${SIGNER.sex}
otherName.4 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:${SIGNER.address}
otherName.5 = 1.2.392.200149.8.5.5.2;FORMAT:UTF8,UTF8:${SIGNER.nameSubstitutionFlags}
otherName.6 = 1.2.392.200149.8.5.5.6;FORMAT:UTF8,UTF8:${SIGNER.addressSubstitutionFlags}
`
    : '';
  return `[req]
distinguished_name = dn
string_mask = utf8only
[dn]
[ee_ext]
keyUsage = critical, ${spec.keyUsage}
certificatePolicies = critical, ${spec.policies.join(', ')}
authorityKeyIdentifier = keyid:always, issuer:always
subjectKeyIdentifier = hash
${san}`;
}

/** `YYMMDDHHMMSSZ` (openssl ca dates and index times), whole days from now. */
function dateAfterDays(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/u, '$1$2$3$4$5$6Z');
}
