/**
 * The lead's JPKI applet on the card manager: load its package, install the JPKI-AP instance,
 * lock (selection fails), unlock (selection works again), delete with its package.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../runtime/index.js';
import {
  deleteCommand,
  getStatus,
  globalPlatformApplications,
  installForInstallAndMakeSelectable,
  installForLoad,
  load,
  parseGetStatusResponse,
  select,
  setStatus,
} from '../../../generated/apdu/global-platform.js';
import { JpkiAppletClass } from '../../../reference/se/jpki-applet/jpki-applet.js';
import { buildLoadFileImage, connectInProcess, SecureElement } from '../../../reference/se/index.js';
import { GpSession, send } from './se-harness.js';

const EMPTY = new Uint8Array(0);
const { jpkiLoadFile, jpkiModule, jpkiAp } = globalPlatformApplications;

describe('the JPKI applet under the card manager', () => {
  it('loads, installs, locks, unlocks and deletes the JPKI-AP', async () => {
    const card = new SecureElement({ rom: [new JpkiAppletClass()] });
    const connection = connectInProcess(card);
    const session = await GpSession.open(connection, { securityLevel: 0x33 });
    const image = buildLoadFileImage({ packageAid: jpkiLoadFile, modules: [jpkiModule], code: new Uint8Array(2048).fill(0x4a) });
    expect((await session.send(installForLoad({ moreCommands: false, loadFileAid: jpkiLoadFile, securityDomainAid: EMPTY, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY, le: 256 }))).sw).toBe(0x9000);
    const blocks = Math.ceil(image.length / 230);
    for (let index = 0; index < blocks; index += 1) {
      expect((await session.send(load({ lastBlock: index === blocks - 1, blockNumber: index, loadFileBlock: image.subarray(index * 230, (index + 1) * 230), le: 256 }))).sw).toBe(0x9000);
    }
    // C9 02: the gpse (Android) token profile.
    expect((await session.send(installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: jpkiLoadFile, executableModuleAid: jpkiModule, applicationAid: jpkiAp, privileges: new Uint8Array(3), installParameters: hexToBytes('C90102'), installToken: EMPTY, le: 256 }))).sw).toBe(0x9000);
    // Unknown install parameters are the applet's refusal: 6A80, nothing registered.
    expect((await session.send(installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: jpkiLoadFile, executableModuleAid: jpkiModule, applicationAid: hexToBytes('D392F000260100000002'), privileges: new Uint8Array(3), installParameters: hexToBytes('C90109'), installToken: EMPTY, le: 256 }))).sw).toBe(0x6a80);
    const lifeCycle = async () => {
      const answer = await session.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: Uint8Array.of(0x4f, jpkiAp.length, ...jpkiAp), le: 256 }));
      return bytesToHex(parseGetStatusResponse(Uint8Array.of(...answer.data, 0x90, 0x00)).fields?.entries[0]?.lifeCycleState ?? EMPTY);
    };
    expect(await lifeCycle()).toBe('07');
    await send(connection, '0070000001');
    expect((await send(connection, select({ nextOccurrence: false, aid: jpkiAp }, { channel: 1 }), 1)).sw).toBe(0x9000);
    expect((await send(connection, '00708001')).sw).toBe(0x9000);
    expect((await session.send(setStatus({ statusType: 'application', state: 0x80, aid: jpkiAp }))).sw).toBe(0x9000);
    expect(await lifeCycle()).toBe('87');
    await send(connection, '0070000001');
    expect((await send(connection, select({ nextOccurrence: false, aid: jpkiAp }, { channel: 1 }), 1)).sw).toBe(0x6a82);
    expect((await session.send(setStatus({ statusType: 'application', state: 0x00, aid: jpkiAp }))).sw).toBe(0x9000);
    expect(await lifeCycle()).toBe('07');
    expect((await send(connection, select({ nextOccurrence: false, aid: jpkiAp }, { channel: 1 }), 1)).sw).toBe(0x9000);
    expect((await send(connection, '00708001')).sw).toBe(0x9000);
    expect((await session.send(deleteCommand({ moreCommands: false, relatedObjects: true, deleteData: Uint8Array.of(0x4f, jpkiLoadFile.length, ...jpkiLoadFile), le: 256 }))).sw).toBe(0x9000);
    expect(card.registry.instance(jpkiAp)).toBeUndefined();
    expect((await session.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }))).sw).toBe(0x6a88);
  });
});
