/** Holders, subject keys and openssl checks shared by the CA tests. */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BasicFourInfo } from '../../../generated/messages/types.js';
import type { KeyPairPublicKeys } from '../../../reference/ca/index.js';
import { derToPem } from '../../../runtime/der/pem.js';
import { openssl } from '../../helpers/openssl-asn1.js';

export const TARO: BasicFourInfo = {
  name: '公的　太郎',
  nameSubstitutionFlags: '00000',
  sex: '1',
  dateOfBirth: '319850515',
  address: '東京都千代田区霞が関九丁目九番九号',
  addressSubstitutionFlags: '00000000000000000',
};

export const KIMIKO: BasicFourInfo = {
  name: '吉田　公子',
  nameSubstitutionFlags: '10000',
  sex: '2',
  dateOfBirth: '419950101',
  address: '大阪府大阪市北区中之島九丁目九番九号',
  addressSubstitutionFlags: '000000000000000000',
};

/** Subject keys made once per test file (RSA-2048 generation is the slow part). */
export function subjectKeyPool(count: number): Uint8Array[] {
  return Array.from({ length: count }, () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
    return new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  });
}

export function keyPairFrom(pool: readonly Uint8Array[], index: number): KeyPairPublicKeys {
  return { signature: pool[(2 * index) % pool.length] as Uint8Array, userAuthentication: pool[(2 * index + 1) % pool.length] as Uint8Array };
}

export function writePem(folder: string, name: string, der: Uint8Array): string {
  const file = path.join(folder, `${name}.pem`);
  writeFileSync(file, derToPem(der, 'CERTIFICATE'));
  return file;
}

/** `openssl verify -CAfile ca leaf`; returns openssl's verdict line or its error. */
export function opensslVerify(caFile: string, leafFile: string, atSeconds?: number): string {
  try {
    return openssl(['verify', ...(atSeconds === undefined ? [] : ['-attime', String(atSeconds)]), '-CAfile', caFile, leafFile]).trim();
  } catch (error) {
    return `FAILED: ${String((error as { stderr?: string }).stderr ?? error)}`;
  }
}

export function opensslText(file: string): string {
  return openssl(['x509', '-in', file, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space']);
}
