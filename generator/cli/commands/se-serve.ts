/**
 * `jpkigen serve se --vpcd 127.0.0.1:35963 [--profile card|gpse|ios] [--state-dir d]`: a demo
 * phone (or card) in a vpcd reader, so pcscd and every PC/SC application see it. With no state
 * folder it lives in memory; with one it is saved after every change and comes back as it was.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { colour, ExitCode, printLine } from '../output.js';

/** A long-running command's --json output: one JSON document per line (NDJSON), events after the summary. */
function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export interface SeServeOptions {
  readonly json: boolean;
  readonly vpcd: string;
  readonly profile: 'card' | 'gpse' | 'ios';
  readonly stateDir: string | undefined;
}

/** What a restart needs beside the card itself: the PINs and keys it was personalized with (mode 0600). */
interface DemoRecord {
  readonly profile: 'card' | 'gpse' | 'ios';
  readonly pins: { readonly auth: string; readonly sign: string };
  readonly isdKeys: { readonly enc: string; readonly mac: string; readonly dek: string; readonly version: number };
}

/** The GlobalPlatform test key 40…4F: the demo is a development card, and the conformance suite's default. */
const DEMO_ISD_KEY = Uint8Array.from({ length: 16 }, (_, index) => 0x40 + index);

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || match[1] === '' || port < 1 || port > 65535) throw new Error(`--vpcd: expected host:port (e.g. 127.0.0.1:35963), got '${text}'`);
  return { host: match[1] ?? '127.0.0.1', port };
}

export async function serveSecureElement(options: SeServeOptions): Promise<void> {
  const { host, port } = parseHostPort(options.vpcd);
  const { card, record, restored } = await openDemoCard(options);
  const { attachCardToVpcd } = await import('../../../reference/se/transports/vpcd-card-client.js');
  // Reconnection attempts repeat every few seconds while no reader listens: say so once per outage.
  let announcedWaiting = false;
  const attachment = attachCardToVpcd(card, {
    host,
    port,
    onEvent: (event) => {
      if (event.type === 'disconnected' && announcedWaiting) return;
      announcedWaiting = event.type === 'disconnected';
      if (options.json) printJsonLine({ event: event.type, ...(event.type === 'disconnected' ? { reason: event.reason } : {}) });
      else if (event.type === 'connected') printLine(`${colour.green('connected')} to the vpcd reader at ${host}:${port}`);
      else if (event.type === 'disconnected') printLine(`${colour.yellow('waiting')} for the vpcd reader at ${host}:${port} (${event.reason})`);
    },
  });
  const summary = { ok: true, profile: record.profile, vpcd: `${host}:${port}`, restored, pins: record.pins, isdKeyVersion: record.isdKeys.version, stateDir: options.stateDir ?? null };
  if (options.json) printJsonLine(summary);
  else {
    printLine(`${restored ? 'restored' : 'personalized'} a demo ${record.profile === 'card' ? 'My Number Card' : `phone (${record.profile})`} with certificates from the reference CA`);
    printLine(`  auth PIN (利用者証明用暗証番号): ${record.pins.auth}`);
    printLine(`  sign password (署名用パスワード): ${record.pins.sign}`);
    printLine(`  ISD SCP03 keys: GlobalPlatform test key 40…4F, KVN ${record.isdKeys.version.toString(16).toUpperCase()}`);
    printLine(`  state: ${options.stateDir === undefined ? 'in memory (gone when this stops)' : path.resolve(options.stateDir)}`);
    printLine(`inserting it into the vpcd reader at ${host}:${port} — Ctrl-C to stop`);
  }
  const stop = () => void attachment.close().then(() => process.exit(ExitCode.ok));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await attachment.closed;
}

async function openDemoCard(options: SeServeOptions): Promise<{ card: import('../../../reference/se/secure-element.js').SecureElement; record: DemoRecord; restored: boolean }> {
  const { createDemoSecureElement, demoRom } = await import('../../../reference/se/demo-secure-element.js');
  const { SecureElementStore, openSecureElement } = await import('../../../reference/se/state/secure-element-store.js');
  const isdKeys = { enc: DEMO_ISD_KEY, mac: DEMO_ISD_KEY, dek: DEMO_ISD_KEY, version: 0x30 };
  const id = `demo-${options.profile}`;
  const store = options.stateDir === undefined ? undefined : await SecureElementStore.open(options.stateDir);
  const recordFile = store === undefined ? undefined : path.join(store.folder, `${id}.demo.json`);
  if (store !== undefined && recordFile !== undefined && (await store.has(id))) {
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as DemoRecord;
    return { card: await openSecureElement(store, id, demoRom()), record, restored: true };
  }
  const demo = await createDemoSecureElement({ profile: options.profile, isdKeys, ...(store === undefined ? {} : { persist: (snapshot) => store.write(id, snapshot) }) });
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
  const record: DemoRecord = { profile: options.profile, pins: demo.pins, isdKeys: { enc: hex(isdKeys.enc), mac: hex(isdKeys.mac), dek: hex(isdKeys.dek), version: isdKeys.version } };
  if (store !== undefined && recordFile !== undefined) {
    await store.write(id, demo.se.snapshot());
    await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  }
  await demo.close();
  return { card: demo.se, record, restored: false };
}
