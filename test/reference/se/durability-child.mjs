// Child process of durability.test.ts: provisions a stored secure element in a loop on the built
// code (dist/) and prints one JSON line per operation only after the card acknowledged it (9000).
// The parent kills it with SIGKILL at some point and checks every printed operation.
// Usage: node durability-child.mjs <storeFolder> <firstIndex>
import { writeSync } from 'node:fs';

const [folder, firstIndexText] = process.argv.slice(2);
const dist = (path) => new URL(`../../../dist/${path}`, import.meta.url).href;
const se = await import(dist('reference/se/index.js'));
const scp03 = await import(dist('runtime/scp03/index.js'));
const gp = await import(dist('generated/apdu/global-platform.js'));

const PACKAGE = Uint8Array.from([0xf0, 0, 0, 0, 0xd0, 0x01]);
const MODULE = Uint8Array.from([0xf0, 0, 0, 0, 0xd0, 0x01, 0x01]);
const ISD_KEY = Uint8Array.from({ length: 16 }, (_, index) => 0x40 + index);
const EMPTY = new Uint8Array(0);
const moduleClass = {
  moduleAid: MODULE,
  install: (aid) => applet(aid, {}),
  restore: (aid, state) => applet(aid, state),
};
function applet(aid, state) {
  return {
    aid,
    select: () => ({ data: EMPTY, sw: 0x9000 }),
    deselect: () => undefined,
    process: (command) => ({ data: command.data, sw: 0x9000 }),
    reset: () => undefined,
    saveState: () => state,
  };
}
const print = (line) => writeSync(1, `${JSON.stringify(line)}\n`);
const keyOf = (index, role) => Uint8Array.from({ length: 16 }, (_, byte) => (index * 7 + role * 31 + byte) & 0xff);

const store = await se.SecureElementStore.open(folder);
const card = (await store.has('se'))
  ? await se.openSecureElement(store, 'se', [moduleClass])
  : await se.createSecureElement({ rom: [moduleClass], isdKeys: [{ keyVersion: 1, keys: { enc: ISD_KEY, mac: ISD_KEY, dek: ISD_KEY } }] }, { store, id: 'se' });
const connection = se.connectInProcess(card);
const host = new scp03.Scp03HostSession({ keys: { enc: ISD_KEY, mac: ISD_KEY, dek: ISD_KEY }, keyVersion: 1, securityLevel: 0x33 });
host.processInitializeUpdateResponse(await connection.transmit(host.buildInitializeUpdate()));
host.processExternalAuthenticateResponse(await connection.transmit(host.buildExternalAuthenticate()));
const send = async (plain) => {
  const answer = host.unwrapResponse(await connection.transmit(host.wrapCommand(plain)));
  const sw = (answer[answer.length - 2] << 8) | answer[answer.length - 1];
  if (sw !== 0x9000) throw new Error(`card answered ${sw.toString(16)}`);
  return answer.subarray(0, answer.length - 2);
};
if (card.registry.loadFile(PACKAGE) === undefined) {
  await send(gp.installForLoad({ moreCommands: false, loadFileAid: PACKAGE, securityDomainAid: EMPTY, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY, le: 256 }));
  await send(gp.load({ lastBlock: true, blockNumber: 0, loadFileBlock: se.buildLoadFileImage({ packageAid: PACKAGE, modules: [MODULE] }), le: 256 }));
  print({ op: 'load' });
}
print({ op: 'ready' });
for (let index = Number(firstIndexText); ; index += 1) {
  if (index % 2 === 0) {
    const keyVersion = 0x10 + index / 2;
    const keys = [keyOf(index, 1), keyOf(index, 2), keyOf(index, 3)];
    await send(scp03.buildPutKeyCommand({ newKeyVersion: keyVersion, keys, dek: ISD_KEY }));
    print({ op: 'putKey', keyVersion, keys: keys.map((key) => Buffer.from(key).toString('hex')) });
  } else {
    const aid = Uint8Array.from([0xf0, 0, 0, 0, 0xd0, 0x01, 0x01, index]);
    await send(gp.installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: PACKAGE, executableModuleAid: MODULE, applicationAid: aid, privileges: new Uint8Array(3), installParameters: Uint8Array.of(0xc9, 0), installToken: EMPTY, le: 256 }));
    print({ op: 'install', aid: Buffer.from(aid).toString('hex') });
  }
}
