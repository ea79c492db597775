/**
 * Persistence: many secure elements in one folder, restored exactly (registry, keys, sequence
 * counters, applet state); files mode 0600; a damaged file is a typed error naming it; a failed
 * save is never acknowledged.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../runtime/index.js';
import { buildPutKeyCommand } from '../../../runtime/scp03/index.js';
import { getData, installForInstallAndMakeSelectable, installForLoad, load, select } from '../../../generated/apdu/global-platform.js';
import {
  buildLoadFileImage,
  createSecureElement,
  openSecureElement,
  SecureElement,
  SecureElementError,
  SecureElementStateError,
  SecureElementStore,
  connectInProcess,
} from '../../../reference/se/index.js';
import { temporaryFolder } from '../../helpers/openssl-asn1.js';
import { DEFAULT_KEYS, EchoApplet, ECHO_INSTANCE_AID, ECHO_MODULE_AID, ECHO_PACKAGE_AID, echoAppletClass, GpSession, hex, send } from './se-harness.js';

const scratch = temporaryFolder('jpkigen-se-store-');
afterAll(() => scratch.remove());
const EMPTY = new Uint8Array(0);
const NEW_KEYS = { enc: new Uint8Array(16).fill(0x61), mac: new Uint8Array(16).fill(0x62), dek: new Uint8Array(16).fill(0x63) };

async function provision(card: SecureElement): Promise<void> {
  const connection = connectInProcess(card);
  const session = await GpSession.open(connection, { securityLevel: 0x33 });
  expect((await session.send(installForLoad({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: EMPTY, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY, le: 256 }))).sw).toBe(0x9000);
  expect((await session.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage({ packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID] }), le: 256 }))).sw).toBe(0x9000);
  expect((await session.send(installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: ECHO_PACKAGE_AID, executableModuleAid: ECHO_MODULE_AID, applicationAid: ECHO_INSTANCE_AID, privileges: new Uint8Array(3), installParameters: hexToBytes('C90101'), installToken: EMPTY, le: 256 }))).sw).toBe(0x9000);
  expect((await session.send(buildPutKeyCommand({ newKeyVersion: 0x30, keys: [NEW_KEYS.enc, NEW_KEYS.mac, NEW_KEYS.dek], dek: DEFAULT_KEYS.dek }))).sw).toBe(0x9000);
  expect((await send(connection, select({ nextOccurrence: false, aid: ECHO_INSTANCE_AID }))).sw).toBe(0x9000);
  expect(hex(await send(connection, '0010000000'))).toBe('0001');
  expect(hex(await send(connection, '0010000000'))).toBe('0002');
  await connection.close();
}

describe('SecureElementStore', () => {
  it('keeps many secure elements and restores each exactly', async () => {
    const store = await SecureElementStore.open(`${scratch.folder}/many`);
    const first = await createSecureElement({ rom: [echoAppletClass] }, { store, id: 'phone-1' });
    const second = await createSecureElement({ rom: [echoAppletClass], isdAid: hexToBytes('A000000003000000') }, { store, id: 'phone-2' });
    await provision(first);
    expect(await store.ids()).toEqual(['phone-1', 'phone-2']);
    await expect(createSecureElement({}, { store, id: 'phone-1' })).rejects.toMatchObject({ code: 'SE_ALREADY_EXISTS' });
    expect((await stat(store.fileOf('phone-1'))).mode & 0o777).toBe(0o600);
    const reopened = await openSecureElement(store, 'phone-1', [echoAppletClass]);
    expect(JSON.stringify(reopened.snapshot())).toBe(JSON.stringify(first.snapshot()));
    expect((reopened.applet(ECHO_INSTANCE_AID) as EchoApplet).state.counter).toBe(2);
    // The keys put before the restart open a session after it; the sequence counter went on.
    const connection = connectInProcess(reopened);
    const session = await GpSession.open(connection, { keys: NEW_KEYS, keyVersion: 0x30, securityLevel: 0x33, sdAid: hexToBytes('A000000151000000') });
    expect(hex(await session.send(getData({ tag: 0xc1 })))).toBe('C103000001');
    const other = await openSecureElement(store, 'phone-2', [echoAppletClass]);
    expect(bytesToHex(other.registry.isd.aid)).toBe('A000000003000000');
    await expect(openSecureElement(store, 'phone-3')).rejects.toMatchObject({ code: 'SE_NOT_FOUND' });
    await expect(openSecureElement(store, '../escape')).rejects.toMatchObject({ code: 'SE_INVALID_ID' });
    void second;
  });

  it('reports a damaged file as a typed error naming the file and the field, never as a blank card', async () => {
    const store = await SecureElementStore.open(`${scratch.folder}/damaged`);
    const card = await createSecureElement({ rom: [echoAppletClass] }, { store, id: 'se' });
    await provision(card);
    const file = store.fileOf('se');
    const good = await readFile(file, 'utf8');
    const damages: [string, string, string][] = [
      ['not JSON', good.slice(0, good.length / 2), ''],
      ['garbage bytes', '\u0000\u00ff{{', ''],
      ['wrong format', good.replace('jpkigen-secure-element/1', 'other/9'), 'format'],
      ['bad life cycle', good.replace('"cardLifeCycle":"secured"', '"cardLifeCycle":"happy"'), 'cardLifeCycle'],
      ['bad AID', good.replace('"aid":"F0000000EC01"', '"aid":"F0"'), 'loadFiles[0].aid'],
      ['keys not hex', good.replace(/"enc":"[0-9A-F]+"/, '"enc":"zz"'), 'instances[0].appletState'],
      ['echo state', good.replace(/"counter":2/, '"counter":"two"'), 'instances[1].appletState'],
    ];
    for (const [what, text, path] of damages) {
      await writeFile(file, text);
      const error = await openSecureElement(store, 'se', [echoAppletClass]).catch((caught: unknown) => caught);
      expect(error, what).toBeInstanceOf(SecureElementStateError);
      expect((error as SecureElementStateError).file, what).toBe(file);
      expect((error as SecureElementStateError).path, what).toBe(path);
      expect((error as Error).message, what).toContain(file);
    }
    await writeFile(file, good);
    const missingRom = await openSecureElement(store, 'se', []).catch((caught: unknown) => caught);
    expect(missingRom).toBeInstanceOf(SecureElementError);
    expect((missingRom as SecureElementError).code).toBe('SE_UNKNOWN_MODULE');
    expect((await openSecureElement(store, 'se', [echoAppletClass])).registry.instances.length).toBe(2);
  });

  it('answers 6581 when the change cannot be saved, and the stored card never sees it', async () => {
    const store = await SecureElementStore.open(`${scratch.folder}/failing`);
    await store.write('se', new SecureElement({ rom: [echoAppletClass] }).snapshot());
    const card = SecureElement.fromSnapshot(await store.read('se'), {
      rom: [echoAppletClass],
      persist: async (snapshot) => {
        if (snapshot.loadFiles.length > 0) throw new Error('disk full');
        await store.write('se', snapshot);
      },
    });
    const connection = connectInProcess(card);
    const session = await GpSession.open(connection, { securityLevel: 0x01 });
    expect((await session.send(installForLoad({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: EMPTY, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY, le: 256 }))).sw).toBe(0x9000);
    const loaded = await session.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage({ packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID] }), le: 256 }));
    expect(loaded.sw).toBe(0x6581);
    expect((await openSecureElement(store, 'se', [echoAppletClass])).registry.loadFile(ECHO_PACKAGE_AID)).toBeUndefined();
    // Nor does the running card: it rolled back to what was saved, so the next load starts afresh.
    expect(card.registry.loadFile(ECHO_PACKAGE_AID)).toBeUndefined();
    expect(JSON.stringify(card.snapshot())).toBe(JSON.stringify(await store.read('se')));
  });

  it('undoes what an applet changed before it threw', async () => {
    const store = await SecureElementStore.open(`${scratch.folder}/bug`);
    const card = await createSecureElement({ rom: [echoAppletClass] }, { store, id: 'se' });
    await provision(card);
    const connection = connectInProcess(card);
    await send(connection, select({ nextOccurrence: false, aid: ECHO_INSTANCE_AID }));
    expect(hex(await send(connection, '0031000000'))).toBe('');
    expect(bytesToHex(await connection.transmit(hexToBytes('0031000000')))).toBe('6F00');
    await send(connection, select({ nextOccurrence: false, aid: ECHO_INSTANCE_AID }));
    expect(hex(await send(connection, '0010000000'))).toBe('0003');
    expect(((await openSecureElement(store, 'se', [echoAppletClass])).applet(ECHO_INSTANCE_AID) as EchoApplet).state.counter).toBe(3);
  });

  it('runs in memory without a store, and a failing persist hook gives 6581', async () => {
    const memory = await createSecureElement({ rom: [echoAppletClass] });
    await provision(memory);
    let saves = 0;
    const failing = new SecureElement({
      rom: [echoAppletClass],
      persist: async () => {
        saves += 1;
        throw new Error('disk full');
      },
    });
    const connection = connectInProcess(failing);
    // INITIALIZE UPDATE moves the sequence counter: unsaved, the card answers 6581 and no session starts.
    expect(bytesToHex(await connection.transmit(hexToBytes('80500000080011223344556677' + '00')))).toBe('6581');
    expect(saves).toBe(1);
    await expect(GpSession.open(connection, { securityLevel: 0x01 })).rejects.toThrow();
    expect((await send(connection, getData({ tag: 0x66 }))).sw).toBe(0x9000);
  });
});
