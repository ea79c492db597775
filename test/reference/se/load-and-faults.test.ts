/**
 * The modelled load-file format and LOAD's checks (sequence, hash, content), INSTALL from a module
 * the ROM does not know, and the two seeded faults the gp-se conformance suite must catch.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../runtime/index.js';
import { deleteCommand, installForInstallAndMakeSelectable, installForLoad, load, select, setStatus } from '../../../generated/apdu/global-platform.js';
import {
  buildLoadFileDataBlock,
  buildLoadFileImage,
  connectInProcess,
  LoadFileError,
  parseLoadFile,
  parseLoadFileDataBlock,
  SecureElement,
  type SecureElementFaults,
} from '../../../reference/se/index.js';
import { ECHO_INSTANCE_AID, ECHO_MODULE_AID, ECHO_PACKAGE_AID, echoAppletClass, GpSession, send } from './se-harness.js';

const EMPTY = new Uint8Array(0);
const UNKNOWN_MODULE = hexToBytes('F0000000EC0102');

async function session(faults: SecureElementFaults = {}) {
  const card = new SecureElement({ rom: [echoAppletClass], faults });
  const connection = connectInProcess(card);
  return { card, connection, gp: await GpSession.open(connection, { securityLevel: 0x13 }) };
}

const forLoad = (hash = EMPTY) => installForLoad({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: EMPTY, loadFileDataBlockHash: hash, loadParameters: EMPTY, loadToken: EMPTY, le: 256 });
const install = (module = ECHO_MODULE_AID, aid = ECHO_INSTANCE_AID) =>
  installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: ECHO_PACKAGE_AID, executableModuleAid: module, applicationAid: aid, privileges: new Uint8Array(3), installParameters: hexToBytes('C900'), installToken: EMPTY, le: 256 });

describe('load files', () => {
  it('round-trip through the modelled format and reject malformed ones with a typed error', () => {
    const image = { packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID, UNKNOWN_MODULE], version: [2, 1] as const, code: Uint8Array.of(1, 2, 3) };
    const parsed = parseLoadFileDataBlock(parseLoadFile(buildLoadFileImage(image)).loadFileDataBlock);
    expect(bytesToHex(parsed.packageAid)).toBe(bytesToHex(ECHO_PACKAGE_AID));
    expect(parsed.modules.map(bytesToHex)).toEqual([ECHO_MODULE_AID, UNKNOWN_MODULE].map(bytesToHex));
    expect(bytesToHex(parsed.version)).toBe('0201');
    expect(parsed.codeLength).toBe(3);
    // DAP blocks before the LFDB are accepted (not verified).
    expect(parseLoadFile(hexToBytes(`E2084F03A00000C30100${bytesToHex(buildLoadFileImage(image))}`)).dapBlockCount).toBe(1);
    for (const bad of ['', 'C400', 'C40548454C4C4F', 'D30100', 'C4034A504B', `C407${bytesToHex(new TextEncoder().encode('JPKG'))}0100`]) {
      expect(() => parseLoadFileDataBlock(parseLoadFile(hexToBytes(bad)).loadFileDataBlock), bad).toThrow(LoadFileError);
    }
  });

  it('LOAD checks block order and the announced hash; INSTALL needs a module the ROM knows', async () => {
    const { gp } = await session();
    const image = { packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID, UNKNOWN_MODULE] };
    const file = buildLoadFileImage(image);
    expect((await gp.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: file, le: 256 }))).sw).toBe(0x6985);
    expect((await gp.send(forLoad())).sw).toBe(0x9000);
    expect((await gp.send(load({ lastBlock: false, blockNumber: 1, loadFileBlock: file, le: 256 }))).sw).toBe(0x6a86);
    const wrongHash = new Uint8Array(32).fill(7);
    expect((await gp.send(forLoad(wrongHash))).sw).toBe(0x9000);
    expect((await gp.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: file, le: 256 }))).sw).toBe(0x6a80);
    const hash = new Uint8Array(createHash('sha256').update(buildLoadFileDataBlock(image)).digest());
    expect((await gp.send(forLoad(hash))).sw).toBe(0x9000);
    expect((await gp.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: file, le: 256 }))).sw).toBe(0x9000);
    expect((await gp.send(forLoad())).sw).toBe(0x6a80); // the AID is taken now
    expect((await gp.send(install(UNKNOWN_MODULE))).sw).toBe(0x6a88);
    expect((await gp.send(install(hexToBytes('F0000000EC0199')))).sw).toBe(0x6a88);
    expect((await gp.send(install())).sw).toBe(0x9000);
    expect((await gp.send(install())).sw).toBe(0x6a80); // an instance AID is unique
  });
});

describe('seeded faults', () => {
  it('wrongStatusWordOnDeleteUnknown answers 9000 where GPCS says 6A88', async () => {
    const deleteUnknown = deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: hexToBytes('4F07F0000000FFFFFF'), le: 256 });
    expect((await (await session()).gp.send(deleteUnknown)).sw).toBe(0x6a88);
    expect((await (await session({ wrongStatusWordOnDeleteUnknown: true })).gp.send(deleteUnknown)).sw).toBe(0x9000);
  });

  it('lockNotEnforced leaves a LOCKED application selectable', async () => {
    for (const [faults, expected] of [[{}, 0x6a82], [{ lockNotEnforced: true }, 0x9000]] as const) {
      const { connection, gp } = await session(faults);
      expect((await gp.send(forLoad())).sw).toBe(0x9000);
      expect((await gp.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage({ packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID] }), le: 256 }))).sw).toBe(0x9000);
      expect((await gp.send(install())).sw).toBe(0x9000);
      expect((await gp.send(setStatus({ statusType: 'application', state: 0x80, aid: ECHO_INSTANCE_AID }))).sw).toBe(0x9000);
      await send(connection, '0070000001');
      expect((await send(connection, select({ nextOccurrence: false, aid: ECHO_INSTANCE_AID }, { channel: 1 }), 1)).sw).toBe(expected);
    }
  });
});
