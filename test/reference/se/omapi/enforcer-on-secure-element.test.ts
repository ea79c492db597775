/**
 * End to end on the simulated GP-SE: the ARA-M is loaded, installed and personalized over SCP03
 * through the Issuer Security Domain (INSTALL [for personalization] + STORE DATA, as an SP-TSM and
 * GlobalPlatformPro's ARA cookbook do it), survives a snapshot/restore of the whole card, and the
 * phone's Access Control Enforcer reads it over the in-process transport. Then the demo phone:
 * only the Mynaportal app's certificate reaches the JPKI-AP and reads its token EF.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  installForInstallAndMakeSelectable,
  installForLoad,
  installForPersonalization,
  load,
  storeData,
} from '../../../../generated/apdu/global-platform.js';
import { readBinary, selectFile } from '../../../../generated/apdu/jpki-ap.js';
import type { Applet, AppletClass } from '../../../../reference/se/applet.js';
import {
  ARA_M_INSTANCE_AID,
  ARA_M_LOAD_FILE_AID,
  ARA_M_MODULE_AID,
  AraMAppletClass,
  commandDelete,
  jpkiAccessRuleStoreCommands,
  JPKI_AP_AID,
} from '../../../../reference/se/ara-m/index.js';
import { createDemoSecureElement, DEMO_MYNAPORTAL_APP_CERTIFICATE_HASH } from '../../../../reference/se/demo-secure-element.js';
import { buildLoadFileImage } from '../../../../reference/se/load-file.js';
import { AccessControlEnforcer, AccessDeniedError } from '../../../../reference/se/omapi/index.js';
import { DEFAULT_ISD_AID, DEFAULT_ISD_KEY, INITIAL_KEY_VERSION, SecureElement } from '../../../../reference/se/secure-element.js';
import { connectInProcess } from '../../../../reference/se/transports/in-process.js';
import { openSecureChannel, type SecureChannel } from '../../../../runtime/card/secure-channel.js';
import { bytesToHex, hexToBytes, parseResponseApdu } from '../../../../runtime/index.js';
import { EchoApplet } from './mini-secure-element.js';

const ECHO_LOAD_FILE_AID = hexToBytes('A0000000F0010203');
const ECHO_MODULE_AID = hexToBytes('A0000000F001020301');

const echoAppletClass: AppletClass = {
  moduleAid: ECHO_MODULE_AID,
  install: (instanceAid): Applet => new EchoApplet(instanceAid),
  restore: (instanceAid): Applet => new EchoApplet(instanceAid),
};

const rom = (): AppletClass[] => [new AraMAppletClass(), echoAppletClass];
const sha256 = (text: string): Uint8Array => new Uint8Array(createHash('sha256').update(text).digest());
const mynaportal = { certificateHashes: [sha256('mynaportal signing certificate')] };
const stranger = { certificateHashes: [sha256('another app')] };
const EMPTY = new Uint8Array(0);

async function send(channel: SecureChannel, command: Uint8Array): Promise<string> {
  return (parseResponseApdu(await channel.transmit(command))?.sw ?? 0).toString(16).toUpperCase();
}

async function isdChannel(se: SecureElement): Promise<SecureChannel> {
  const keys = { enc: DEFAULT_ISD_KEY, mac: DEFAULT_ISD_KEY, dek: DEFAULT_ISD_KEY };
  return openSecureChannel(connectInProcess(se), { keys, keyVersion: INITIAL_KEY_VERSION, securityLevel: 0x33, select: DEFAULT_ISD_AID });
}

async function loadAndInstall(channel: SecureChannel, loadFileAid: Uint8Array, moduleAid: Uint8Array, instanceAid: Uint8Array): Promise<void> {
  expect(await send(channel, installForLoad({ moreCommands: false, loadFileAid, securityDomainAid: EMPTY, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY }))).toBe('9000');
  expect(await send(channel, load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage({ packageAid: loadFileAid, modules: [moduleAid] }) }))).toBe('9000');
  expect(
    await send(
      channel,
      installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: loadFileAid, executableModuleAid: moduleAid, applicationAid: instanceAid, privileges: Uint8Array.of(0, 0, 0), installParameters: Uint8Array.of(0xc9, 0x00), installToken: EMPTY }),
    ),
  ).toBe('9000');
}

/** INSTALL [for personalization] of the ARA-M, then one STORE DATA (P1 90 on the last) per command data object. */
async function personalizeAraM(channel: SecureChannel, commands: readonly Uint8Array[]): Promise<string[]> {
  expect(await send(channel, installForPersonalization({ moreCommands: false, emptyField1: EMPTY, emptyField2: EMPTY, applicationAid: ARA_M_INSTANCE_AID, emptyField3: EMPTY, emptyField4: EMPTY, emptyField5: EMPTY }))).toBe('9000');
  const answers: string[] = [];
  for (const [index, data] of commands.entries()) {
    answers.push(await send(channel, storeData({ lastBlock: index === commands.length - 1, encryption: 'none', structure: 'berTlv', responseExpected: false, blockNumber: index, data })));
  }
  return answers;
}

describe('Access Control Enforcer on the simulated GP-SE', () => {
  it('reads rules an SP-TSM stored through the ISD, and they survive a restart of the card', async () => {
    const se = new SecureElement({ rom: rom() });
    const tsm = await isdChannel(se);
    await loadAndInstall(tsm, ARA_M_LOAD_FILE_AID, ARA_M_MODULE_AID, ARA_M_INSTANCE_AID);
    await loadAndInstall(tsm, ECHO_LOAD_FILE_AID, ECHO_MODULE_AID, JPKI_AP_AID);
    expect(await personalizeAraM(tsm, jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: mynaportal.certificateHashes }))).toEqual(['9000', '9000']);

    const phoneOs = new AccessControlEnforcer(connectInProcess(se));
    const channel = await phoneOs.openLogicalChannel(JPKI_AP_AID, mynaportal);
    expect(channel.channelNumber).toBeGreaterThan(0);
    const echoed = await channel.transmit(hexToBytes('80CA9F7F00'));
    expect(bytesToHex(echoed)).toBe(`${(0x80 | channel.channelNumber).toString(16).toUpperCase()}CA9F7F9000`);
    await channel.close();
    await expect(phoneOs.openLogicalChannel(JPKI_AP_AID, stranger)).rejects.toThrow(AccessDeniedError);

    // Power off, restore the whole card from its snapshot: the same rules, the same refresh tag.
    const restored = SecureElement.fromSnapshot(JSON.parse(JSON.stringify(se.snapshot())), { rom: rom() });
    const afterRestart = new AccessControlEnforcer(connectInProcess(restored));
    expect((await afterRestart.decide(JPKI_AP_AID, mynaportal)).apdu).toBe('always');
    expect((await afterRestart.decide(JPKI_AP_AID, stranger)).step).toBe('conflict-A');
    expect(afterRestart.rules.map((rule) => bytesToHex(rule.refDo.deviceAppIdRefDo ?? EMPTY))).toEqual(phoneOs.rules.map((rule) => bytesToHex(rule.refDo.deviceAppIdRefDo ?? EMPTY)));

    // The TSM withdraws the JPKI rules: the enforcer sees the new refresh tag and closes the door.
    const tsmAgain = await isdChannel(restored);
    expect(await personalizeAraM(tsmAgain, [commandDelete({ aid: JPKI_AP_AID })])).toEqual(['9000']);
    expect((await afterRestart.decide(JPKI_AP_AID, mynaportal)).step).toBe('none');
    expect(afterRestart.statistics.ruleReads).toBe(2);
  });

  it('refuses the rules a STORE DATA sent outside the security domain would write', async () => {
    const se = new SecureElement({ rom: rom() });
    const tsm = await isdChannel(se);
    await loadAndInstall(tsm, ARA_M_LOAD_FILE_AID, ARA_M_MODULE_AID, ARA_M_INSTANCE_AID);
    const connection = connectInProcess(se);
    expect(bytesToHex(await connection.transmit(hexToBytes('00A4040009A00000015141434C0000')))).toBe('9000');
    const [command] = jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: stranger.certificateHashes });
    expect(bytesToHex(await connection.transmit(storeData({ lastBlock: true, encryption: 'none', structure: 'berTlv', responseExpected: false, blockNumber: 0, data: command ?? EMPTY })))).toBe('6982');
    expect((await new AccessControlEnforcer(connection).decide(JPKI_AP_AID, stranger)).step).toBe('none');
  });

  it('on the demo phone, only the Mynaportal app reaches the JPKI-AP, and reads its token EF', async () => {
    const demo = await createDemoSecureElement({ profile: 'gpse' });
    try {
      const phoneOs = new AccessControlEnforcer(connectInProcess(demo.se));
      const app = { certificateHashes: [DEMO_MYNAPORTAL_APP_CERTIFICATE_HASH], packageName: 'jp.go.example.mynaportal' };
      const channel = await phoneOs.openLogicalChannel(JPKI_AP_AID, app);
      expect(bytesToHex(await channel.transmit(selectFile({ fid: hexToBytes('0006') })))).toBe('9000');
      const token = parseResponseApdu(await channel.transmit(readBinary({ offset: 0, le: 32 })));
      expect(token?.sw).toBe(0x9000);
      expect(Buffer.from(token?.data ?? EMPTY).toString('latin1')).toMatch(/^JPKIAPGPSETOKEN/);
      await channel.close();
      await expect(phoneOs.openLogicalChannel(JPKI_AP_AID, stranger)).rejects.toThrow(/bound to another app's certificate/);
      expect(await phoneOs.isNfcEventAllowed(JPKI_AP_AID, app)).toBe(true);
    } finally {
      await demo.close();
    }
  });
});
