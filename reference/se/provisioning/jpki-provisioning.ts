/**
 * The issuing side's card-management flow for the JPKI applet on a GP-SE, as an SP-TSM runs it
 * (globalplatform.md §7.3): inside an SCP03 session with the security domain, LOAD the JPKI load
 * file, INSTALL [for install and make selectable] the JPKI-AP instance, then INSTALL [for
 * personalization] and STORE DATA: key pairs generated in the applet (public keys out), the
 * certificates the CA issued for them (certificates in), the PINs.
 * Only standard GP commands cross the channel, built by the GENERATED GP module.
 */
import { JpkigenError, parseResponseApdu } from '../../../runtime/index.js';
import type { SecureChannel } from '../../../runtime/card/secure-channel.js';
import {
  globalPlatformApplications,
  installForInstallAndMakeSelectable,
  installForLoad,
  installForPersonalization,
  load,
  storeData,
} from '../../../generated/apdu/global-platform.js';
import { buildLoadFileImage } from '../load-file.js';
import { encodeDgi, splitDgis, storeDataBlocks } from '../dgi.js';
import { PROFILE_INSTALL_CODES } from '../jpki-applet/jpki-applet.js';
import type { TokenProfileName } from '../jpki-applet/file-map.js';

/** A provisioning step the card refused: which step, and the status word it answered. */
export class ProvisioningError extends JpkigenError {
  constructor(
    readonly step: string,
    readonly sw: number,
  ) {
    super('SE_PROVISIONING', `${step} answered ${sw.toString(16).toUpperCase().padStart(4, '0')}`);
  }
}

const EMPTY = new Uint8Array(0);
/** LOAD blocks leave room for C-MAC and C-DECRYPTION padding inside a short APDU. */
const LOAD_BLOCK_SIZE = 200;

export const JPKI_LOAD_FILE = {
  loadFileAid: globalPlatformApplications.jpkiLoadFile,
  moduleAid: globalPlatformApplications.jpkiModule,
  instanceAid: globalPlatformApplications.jpkiAp,
} as const;

async function expect9000(channel: SecureChannel, command: Uint8Array, step: string): Promise<Uint8Array> {
  const response = parseResponseApdu(await channel.transmit(command));
  if (response === undefined || response.sw !== 0x9000) throw new ProvisioningError(step, response?.sw ?? 0);
  return response.data;
}

/** LOAD the JPKI load file (our modelled image of it) into the security domain of the channel. */
export async function loadJpkiLoadFile(channel: SecureChannel): Promise<void> {
  const image = buildLoadFileImage({ packageAid: JPKI_LOAD_FILE.loadFileAid, modules: [JPKI_LOAD_FILE.moduleAid] });
  await expect9000(channel, installForLoad({ moreCommands: false, loadFileAid: JPKI_LOAD_FILE.loadFileAid, securityDomainAid: EMPTY, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY }), 'INSTALL [for load]');
  const blocks = Math.ceil(image.length / LOAD_BLOCK_SIZE);
  for (let index = 0; index < blocks; index += 1) {
    const block = image.subarray(index * LOAD_BLOCK_SIZE, (index + 1) * LOAD_BLOCK_SIZE);
    await expect9000(channel, load({ lastBlock: index === blocks - 1, blockNumber: index, loadFileBlock: block }), `LOAD block ${index}`);
  }
}

/** INSTALL [for install and make selectable] the JPKI-AP instance for one token profile. */
export async function installJpkiApplet(channel: SecureChannel, profile: TokenProfileName): Promise<void> {
  await expect9000(
    channel,
    installForInstallAndMakeSelectable({
      moreCommands: false,
      executableLoadFileAid: JPKI_LOAD_FILE.loadFileAid,
      executableModuleAid: JPKI_LOAD_FILE.moduleAid,
      applicationAid: JPKI_LOAD_FILE.instanceAid,
      privileges: Uint8Array.of(0x00, 0x00, 0x00),
      installParameters: Uint8Array.of(0xc9, 0x01, PROFILE_INSTALL_CODES[profile]),
      installToken: EMPTY,
    }),
    'INSTALL [for install and make selectable]',
  );
}

export interface JpkiPublicKeys {
  /** SubjectPublicKeyInfo DER of the user-authentication key (EF 0017). */
  readonly userAuthentication: Uint8Array;
  /** SubjectPublicKeyInfo DER of the signature key (EF 001A). */
  readonly signature: Uint8Array;
}

export interface JpkiPersonalization {
  readonly pins: { readonly auth: string; readonly sign: string };
  readonly certificates: { readonly auth: Uint8Array; readonly sign: Uint8Array; readonly authCa: Uint8Array; readonly signCa: Uint8Array };
}

/**
 * Starts personalization and has the applet generate both key pairs; the same session then
 * takes `completePersonalization` once the CA has issued certificates for the keys.
 */
export async function generateJpkiKeys(channel: SecureChannel): Promise<JpkiPublicKeys> {
  await expect9000(channel, installForPersonalization({ moreCommands: false, emptyField1: EMPTY, emptyField2: EMPTY, applicationAid: JPKI_LOAD_FILE.instanceAid, emptyField3: EMPTY, emptyField4: EMPTY, emptyField5: EMPTY }), 'INSTALL [for personalization]');
  const generate = async (dgi: number, blockNumber: number): Promise<Uint8Array> => {
    const data = await expect9000(channel, storeData({ lastBlock: false, encryption: 'none', structure: 'dgi', responseExpected: true, blockNumber, data: encodeDgi(dgi, EMPTY), le: 256 }), `STORE DATA key generation ${dgi.toString(16)}`);
    const returned = splitDgis(data).dgis.find((candidate) => candidate.dgi === dgi);
    if (returned === undefined) throw new ProvisioningError(`STORE DATA key generation ${dgi.toString(16)} returned no public key`, 0x9000);
    return returned.value;
  };
  return { userAuthentication: await generate(0xb017, 0), signature: await generate(0xb01a, 1) };
}

export async function completePersonalization(channel: SecureChannel, personalization: JpkiPersonalization): Promise<void> {
  const ascii = (text: string): Uint8Array => Uint8Array.from(text, (character) => character.charCodeAt(0));
  const stream = Uint8Array.from([
    ...encodeDgi(0x8018, ascii(personalization.pins.auth)),
    ...encodeDgi(0x801b, ascii(personalization.pins.sign)),
    ...encodeDgi(0x000a, personalization.certificates.auth),
    ...encodeDgi(0x0001, personalization.certificates.sign),
    ...encodeDgi(0x000b, personalization.certificates.authCa),
    ...encodeDgi(0x0002, personalization.certificates.signCa),
  ]);
  const blocks = storeDataBlocks(stream);
  for (const [index, block] of blocks.entries()) {
    await expect9000(channel, storeData({ lastBlock: index === blocks.length - 1, encryption: 'none', structure: 'dgi', responseExpected: false, blockNumber: (index + 2) & 0xff, data: block }), `STORE DATA personalization block ${index}`);
  }
}
