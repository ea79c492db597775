/**
 * A demo phone (or card): a simulated GP-SE whose JPKI applet was loaded, installed and
 * personalized the way an SP-TSM does it — over SCP03, with the keys generated in the applet and
 * the certificates issued for them by the reference CA — and, on a phone, an ARA-M whose rules let
 * only the Mynaportal app reach the JPKI-AP. What `jpkigen serve se` brings up, and what the
 * conformance suites and tests run against by default.
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { openSecureChannel } from '../../runtime/card/secure-channel.js';
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { parseResponseApdu } from '../../runtime/index.js';
import { installForInstallAndMakeSelectable, installForLoad, installForPersonalization, load, storeData } from '../../generated/apdu/global-platform.js';
import type { BasicFourInfo, JpkiCaId } from '../../generated/messages/types.js';
import { CertificateAuthority, MemoryKeystore, openDatabase, type IssuedPair, type SqlClient } from '../ca/index.js';
import { ARA_M_INSTANCE_AID, ARA_M_LOAD_FILE_AID, ARA_M_MODULE_AID, AraMAppletClass, jpkiAccessRuleStoreCommands } from './ara-m/index.js';
import { JpkiAppletClass, type JpkiAppletFaults } from './jpki-applet/jpki-applet.js';
import type { TokenProfileName } from './jpki-applet/file-map.js';
import { buildLoadFileImage } from './load-file.js';
import { completePersonalization, generateJpkiKeys, installJpkiApplet, loadJpkiLoadFile, ProvisioningError, type JpkiPublicKeys } from './provisioning/jpki-provisioning.js';
import { DEFAULT_ISD_AID, SecureElement, type SecureElementOptions } from './secure-element.js';
import { connectInProcess } from './transports/in-process.js';

/** A made-up holder; no real person's data ever enters the demo. */
export const DEMO_HOLDER: BasicFourInfo = {
  name: '公的　花子',
  nameSubstitutionFlags: '00000',
  sex: '2',
  dateOfBirth: '419900704',
  address: '東京都千代田区霞が関九丁目九番九号',
  addressSubstitutionFlags: '00000000000000000',
};
const DEMO_MUNICIPALITY = '13101';

/** The demo's stand-in for the Mynaportal app's signing certificate (its SHA-256 is what ARA-M rules name). */
export const DEMO_MYNAPORTAL_APP_CERTIFICATE_HASH = new Uint8Array(createHash('sha256').update('jpkigen demo: Mynaportal app signing certificate').digest());

export interface IsdKeys {
  readonly enc: Uint8Array;
  readonly mac: Uint8Array;
  readonly dek: Uint8Array;
  readonly version: number;
}

export interface DemoSecureElementOptions {
  /** Default 'gpse' (an Android phone). */
  readonly profile?: TokenProfileName;
  readonly faults?: JpkiAppletFaults;
  readonly cardManagerFaults?: SecureElementOptions['faults'];
  /** The CA that issues the certificates; default a fresh in-memory one (embedded PostgreSQL). */
  readonly authority?: CertificateAuthority;
  /** Default: random PINs of the right format. */
  readonly pins?: { readonly auth: string; readonly sign: string };
  /** Default: random AES-128 keys, KVN 30. */
  readonly isdKeys?: IsdKeys;
  /** Saves the card after every change (see SecureElementOptions.persist). */
  readonly persist?: SecureElementOptions['persist'];
  /**
   * Has the CA issue the pair for the applet's public keys. Default: for a card, a card pair for
   * DEMO_HOLDER; for a phone, DEMO_HOLDER's card pair (host keys) and then the phone pair.
   */
  readonly issue?: (publicKeys: JpkiPublicKeys) => Promise<IssuedPair>;
}

export interface DemoSecureElement {
  readonly se: SecureElement;
  readonly profile: TokenProfileName;
  readonly pins: { readonly auth: string; readonly sign: string };
  readonly isdKeys: IsdKeys;
  readonly isdAid: Uint8Array;
  readonly certificates: { readonly auth: Uint8Array; readonly sign: Uint8Array; readonly authCa: Uint8Array; readonly signCa: Uint8Array };
  readonly holderId: string;
  /** The CA's records of the two certificates on the card (serials, CA ids, validity). */
  readonly issued: IssuedPair;
  readonly authority: CertificateAuthority;
  /** SHA-256 of the app certificate the ARA-M lets reach the JPKI-AP (phones only). */
  readonly allowedAppCertificateHash: Uint8Array | undefined;
  close(): Promise<void>;
}

/** The applet classes a demo card carries in ROM. */
export function demoRom(faults: JpkiAppletFaults = {}): NonNullable<SecureElementOptions['rom']> {
  return [new JpkiAppletClass({ faults }), new AraMAppletClass()];
}

export async function createDemoSecureElement(options: DemoSecureElementOptions = {}): Promise<DemoSecureElement> {
  const profile = options.profile ?? 'gpse';
  const pins = options.pins ?? randomPins();
  const isdKeys = options.isdKeys ?? randomIsdKeys();
  const { authority, ownDatabase } = options.authority === undefined ? await openDemoAuthority() : { authority: options.authority, ownDatabase: undefined };
  try {
    const se = new SecureElement({
      rom: demoRom(options.faults),
      isdKeys: [{ keyVersion: isdKeys.version, keys: isdKeys }],
      ...(options.cardManagerFaults === undefined ? {} : { faults: options.cardManagerFaults }),
      ...(options.persist === undefined ? {} : { persist: options.persist }),
    });
    const connection = connectInProcess(se);
    const channel = await openSecureChannel(connection, { keys: isdKeys, keyVersion: isdKeys.version, securityLevel: 0x33, select: DEFAULT_ISD_AID });
    await loadJpkiLoadFile(channel);
    await installJpkiApplet(channel, profile);
    const publicKeys = await generateJpkiKeys(channel);
    const issued = await (options.issue ?? ((keys) => issueFor(authority, profile, keys)))(publicKeys);
    const caCertificate = (caId: JpkiCaId): Uint8Array => authority.generation(caId).certificate;
    const certificates = {
      auth: issued.userAuthentication.der,
      sign: issued.signature.der,
      authCa: caCertificate(issued.userAuthentication.caId),
      signCa: caCertificate(issued.signature.caId),
    };
    await completePersonalization(channel, { pins, certificates });
    const allowedAppCertificateHash = profile === 'card' ? undefined : DEMO_MYNAPORTAL_APP_CERTIFICATE_HASH;
    if (allowedAppCertificateHash !== undefined) await installAccessRules(connection, isdKeys, allowedAppCertificateHash);
    await connection.reset();
    return {
      se,
      profile,
      pins,
      isdKeys,
      isdAid: DEFAULT_ISD_AID,
      certificates,
      holderId: issued.holderId,
      issued,
      authority,
      allowedAppCertificateHash,
      close: async () => {
        se.powerOff();
        if (ownDatabase !== undefined) await ownDatabase.close();
      },
    };
  } catch (error) {
    if (ownDatabase !== undefined) await ownDatabase.close();
    throw error;
  }
}

/** A fresh CA in embedded PostgreSQL (in memory), bootstrapped; its database closes with the demo. */
async function openDemoAuthority(): Promise<{ authority: CertificateAuthority; ownDatabase: SqlClient }> {
  const ownDatabase = await openDatabase();
  try {
    const authority = await CertificateAuthority.open({ database: ownDatabase, keystore: new MemoryKeystore() });
    await authority.bootstrap();
    return { authority, ownDatabase };
  } catch (error) {
    await ownDatabase.close();
    throw error;
  }
}

/** The card's own pair for the card profile; for a phone, the holder's card pair first (host keys), then the phone pair linked to it. */
async function issueFor(authority: CertificateAuthority, profile: TokenProfileName, publicKeys: JpkiPublicKeys): Promise<IssuedPair> {
  if (profile === 'card') return authority.issueCardPair({ holder: DEMO_HOLDER, municipalityCode: DEMO_MUNICIPALITY, publicKeys });
  const cardKey = (): Uint8Array => new Uint8Array(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }));
  const card = await authority.issueCardPair({ holder: DEMO_HOLDER, municipalityCode: DEMO_MUNICIPALITY, publicKeys: { userAuthentication: cardKey(), signature: cardKey() } });
  return authority.issueSmartphonePair({ holderId: card.holderId, deviceId: `demo-${profile}-${randomBytes(4).toString('hex')}`, publicKeys });
}

/** LOAD and INSTALL the ARA-M, then personalize it with the rules binding the JPKI-AP to one app. */
async function installAccessRules(connection: CardConnection, isdKeys: IsdKeys, appCertificateHash: Uint8Array): Promise<void> {
  const channel = await openSecureChannel(connection, { keys: isdKeys, keyVersion: isdKeys.version, securityLevel: 0x33, select: DEFAULT_ISD_AID });
  const empty = new Uint8Array(0);
  const send = async (command: Uint8Array, step: string): Promise<void> => {
    const sw = parseResponseApdu(await channel.transmit(command))?.sw ?? 0;
    if (sw !== 0x9000) throw new ProvisioningError(step, sw);
  };
  await send(installForLoad({ moreCommands: false, loadFileAid: ARA_M_LOAD_FILE_AID, securityDomainAid: empty, loadFileDataBlockHash: empty, loadParameters: empty, loadToken: empty }), 'INSTALL [for load] ARA-M');
  await send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage({ packageAid: ARA_M_LOAD_FILE_AID, modules: [ARA_M_MODULE_AID] }) }), 'LOAD ARA-M');
  await send(installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: ARA_M_LOAD_FILE_AID, executableModuleAid: ARA_M_MODULE_AID, applicationAid: ARA_M_INSTANCE_AID, privileges: Uint8Array.of(0, 0, 0), installParameters: Uint8Array.of(0xc9, 0x00), installToken: empty }), 'INSTALL ARA-M');
  await send(installForPersonalization({ moreCommands: false, emptyField1: empty, emptyField2: empty, applicationAid: ARA_M_INSTANCE_AID, emptyField3: empty, emptyField4: empty, emptyField5: empty }), 'INSTALL [for personalization] ARA-M');
  const commands = jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [appCertificateHash] });
  for (const [index, data] of commands.entries()) {
    await send(storeData({ lastBlock: index === commands.length - 1, encryption: 'none', structure: 'berTlv', responseExpected: false, blockNumber: index, data }), `STORE DATA access rule ${index}`);
  }
}

function randomPins(): { auth: string; sign: string } {
  const digits = (count: number): string => Array.from({ length: count }, () => String(randomInt(10))).join('');
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return { auth: digits(4), sign: Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('') };
}

function randomIsdKeys(): IsdKeys {
  const key = (): Uint8Array => new Uint8Array(randomBytes(16));
  return { enc: key(), mac: key(), dek: key(), version: 0x30 };
}

