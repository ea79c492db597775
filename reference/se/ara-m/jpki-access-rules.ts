/**
 * The rules an SP-TSM stores in the ARA-M so that only the allowed phone apps (the Mynaportal app, a
 * verifier's app) reach the JPKI-AP over OMAPI: one rule per allowed signing-certificate hash, and a
 * rule denying every other device app. The explicit denial repeats what SEAC §3.2.1's conflict
 * resolution already gives (an AID bound to one app's hash is NEVER for the others), so that an
 * enforcer without that step still refuses them. Modelled (globalplatform.md §7.4 [inference]).
 */
import { araMApplications, type ArDo, type NfcAccessRule, type RefArDo } from '../../../generated/apdu/ara-m.js';
import { JpkigenError } from '../../../runtime/index.js';
import { commandStoreRefArDo, DEVICE_APP_ID_LENGTHS } from './access-rule-objects.js';

export const JPKI_AP_AID = araMApplications.jpkiAp;

export interface JpkiAccessRulesOptions {
  /** SHA-256 (Android 12+) and/or SHA-1 hashes of the allowed apps' signing certificates. */
  readonly allowedAppCertificateHashes: readonly Uint8Array[];
  /** Android PKG-REF-DO: narrows every allowing rule to this package as well. */
  readonly packageName?: string;
  /** NFC-AR-DO for the allowed apps (whether they receive the applet's NFC events); default always. */
  readonly nfcEvents?: NfcAccessRule;
  /** The JPKI-AP instance AID; default D392F000260100000001. */
  readonly aid?: Uint8Array;
}

export class JpkiAccessRulesError extends JpkigenError {
  constructor(message: string) {
    super('JPKI_ACCESS_RULES', message);
  }
}

const ALWAYS: ArDo = { apduArDo: Uint8Array.of(0x01) };
const NEVER: ArDo = { apduArDo: Uint8Array.of(0x00), nfcArDo: 'never' };

export function jpkiAccessRules(options: JpkiAccessRulesOptions): RefArDo[] {
  const aid = options.aid ?? JPKI_AP_AID;
  if (options.allowedAppCertificateHashes.length === 0) throw new JpkiAccessRulesError('at least one allowed app certificate hash is needed');
  options.allowedAppCertificateHashes.forEach((hash, index) => {
    if (!(DEVICE_APP_ID_LENGTHS as readonly number[]).includes(hash.length)) {
      throw new JpkiAccessRulesError(`allowedAppCertificateHashes[${index}] has ${hash.length} bytes: a certificate hash is SHA-1 (20) or SHA-256 (32)`);
    }
  });
  const allow: ArDo = { ...ALWAYS, nfcArDo: options.nfcEvents ?? 'always' };
  const allowing = options.allowedAppCertificateHashes.map(
    (hash): RefArDo => ({
      refDo: { aidRefDo: aid, deviceAppIdRefDo: hash, ...(options.packageName === undefined ? {} : { pkgRefDo: options.packageName }) },
      arDo: allow,
    }),
  );
  const denyOthers: RefArDo = { refDo: { aidRefDo: aid, deviceAppIdRefDo: new Uint8Array(0) }, arDo: NEVER };
  return [...allowing, denyOthers];
}

/** The STORE DATA data fields (Command-Store-REF-AR-DO, one per block) that personalize the ARA-M with these rules. */
export function jpkiAccessRuleStoreCommands(options: JpkiAccessRulesOptions): Uint8Array[] {
  return jpkiAccessRules(options).map(commandStoreRefArDo);
}
