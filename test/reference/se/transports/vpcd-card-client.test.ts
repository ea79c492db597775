/**
 * Our card client ↔ our reader listener over loopback TCP, and the card client against a raw
 * socket that plays vpcd byte for byte (the framing as vsmartcard's vpcd.c sends it).
 */
import { createHash, createVerify, generateKeyPairSync } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attachCardToVpcd, type VpcdCardAttachment, type VpcdCardClientEvent } from '../../../../reference/se/transports/vpcd-card-client.js';
import { listenForVpcdCards, type VpcdReaderListener } from '../../../../runtime/card/vpcd-reader-listener.js';
import { VpcdFrameDecoder } from '../../../../runtime/card/vpcd-protocol.js';
import { bytesToHex, hexToBytes } from '../../../../runtime/hex.js';
import { createJpkiLikeTestCard, JPKI_CARD_ATR } from '../../../helpers/jpki-like-test-card.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const FILE = Uint8Array.from({ length: 600 }, (_, index) => (index * 7) & 0xff);
const newCard = () =>
  createJpkiLikeTestCard({
    files: new Map([[0x000a, FILE]]),
    pins: new Map([[0x0018, { value: '1234', maxTries: 3 }]]),
    keys: new Map([[0x0017, { privateKey, pin: 0x0018 }]]),
  });

const cleanUps: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

async function listener(): Promise<VpcdReaderListener> {
  const reader = await listenForVpcdCards({ port: 0 });
  cleanUps.push(() => reader.close());
  return reader;
}

function attach(card: ReturnType<typeof newCard>, port: number, events: VpcdCardClientEvent[] = [], reconnect = true): VpcdCardAttachment {
  const attachment = attachCardToVpcd(card, { port, reconnect, initialRetryDelayMs: 20, maxRetryDelayMs: 100, onEvent: (event) => events.push(event) });
  cleanUps.push(() => attachment.close());
  return attachment;
}

describe('vpcd card client ↔ reader listener', () => {
  it('connects, powers the card on and reads its ATR, then exchanges APDUs', async () => {
    const reader = await listener();
    const card = newCard();
    attach(card, reader.port);
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    expect(bytesToHex(connection.atr)).toBe(bytesToHex(JPKI_CARD_ATR));
    expect(card.contacts).toEqual(['on']);
    expect(bytesToHex(await connection.transmit(hexToBytes('00A4040C0AD392F000260100000001')))).toBe('9000');
    expect(bytesToHex(await connection.transmit(hexToBytes('00A4020C02000A')))).toBe('9000');
    const read = await connection.transmit(hexToBytes('00B0010000'));
    expect(bytesToHex(read)).toBe(bytesToHex(FILE.slice(256, 512)) + '9000');
    expect(bytesToHex(await connection.transmit(hexToBytes('00A4020C020018')))).toBe('9000');
    expect(bytesToHex(await connection.transmit(hexToBytes('00200080')))).toBe('63C3');
  });

  it('signs through the socket: a 256-byte signature that node:crypto verifies', async () => {
    const reader = await listener();
    attach(newCard(), reader.port);
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    const message = new TextEncoder().encode('nonce from a server');
    const digestInfo = hexToBytes('3031300D060960864801650304020105000420' + createHashHex(message));
    for (const apdu of ['00A4040C0AD392F000260100000001', '00A4020C020018', '0020008004' + bytesToHex(new TextEncoder().encode('1234')), '00A4020C020017']) {
      expect(bytesToHex(await connection.transmit(hexToBytes(apdu)))).toBe('9000');
    }
    const response = await connection.transmit(hexToBytes(`802A0080${digestInfo.length.toString(16).padStart(2, '0')}${bytesToHex(digestInfo)}00`));
    expect(bytesToHex(response.slice(-2))).toBe('9000');
    expect(response.length).toBe(258);
    expect(createVerify('sha256').update(message).verify(publicKey, response.slice(0, 256))).toBe(true);
  });

  it('keeps order under concurrent transmits (answers pair with questions by order only)', async () => {
    const reader = await listener();
    attach(newCard(), reader.port);
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await connection.transmit(hexToBytes('00A4040C0AD392F000260100000001'));
    await connection.transmit(hexToBytes('00A4020C02000A'));
    const offsets = Array.from({ length: 20 }, (_, index) => index * 25);
    const answers = await Promise.all(offsets.map((offset) => connection.transmit(hexToBytes(`00B0${offset.toString(16).padStart(4, '0')}19`))));
    answers.forEach((answer, index) => expect(bytesToHex(answer)).toBe(bytesToHex(FILE.slice(offsets[index], (offsets[index] ?? 0) + 25)) + '9000'));
  });

  it('reset sends 02 then 04: the card drops its volatile state (selection, PIN) and the ATR comes back', async () => {
    const reader = await listener();
    const card = newCard();
    attach(card, reader.port);
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await connection.transmit(hexToBytes('00A4040C0AD392F000260100000001'));
    await connection.transmit(hexToBytes('00A4020C020018'));
    expect(bytesToHex(await connection.transmit(hexToBytes('002000800431323334')))).toBe('9000');
    expect(bytesToHex(await connection.reset())).toBe(bytesToHex(JPKI_CARD_ATR));
    expect(card.contacts).toEqual(['on', 'reset']);
    // After reset no EF is selected: READ BINARY has nothing to read.
    expect(bytesToHex(await connection.transmit(hexToBytes('00B0000004')))).toBe('6986');
  });

  it('close powers the card off (00) and ends the connection; the card client then reconnects to the next reader', async () => {
    const reader = await listener();
    const card = newCard();
    const events: VpcdCardClientEvent[] = [];
    const attachment = attach(card, reader.port, events);
    const first = await reader.acceptCard({ timeoutMs: 5_000 });
    await first.close();
    expect(card.contacts.slice(0, 2)).toEqual(['on', 'off']);
    await expect(first.transmit(hexToBytes('00A4040C0AD392F000260100000001'))).rejects.toMatchObject({ code: 'CARD_CONNECTION' });
    const second = await reader.acceptCard({ timeoutMs: 5_000 });
    expect(bytesToHex(await second.transmit(hexToBytes('00A4040C0AD392F000260100000001')))).toBe('9000');
    expect(attachment.connected).toBe(true);
    expect(events.filter((event) => event.type === 'connected')).toHaveLength(2);
    expect(events.some((event) => event.type === 'disconnected' && event.retryInMs !== undefined)).toBe(true);
  });

  it('a card that disconnects fails the pending and later transmits with a CardConnectionError', async () => {
    const reader = await listener();
    const attachment = attach(newCard(), reader.port, [], false);
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await attachment.close();
    await attachment.closed;
    await expect(connection.transmit(hexToBytes('00A4040C0AD392F000260100000001'))).rejects.toThrow(/disconnected/u);
    await expect(connection.reset()).rejects.toMatchObject({ code: 'CARD_CONNECTION' });
  });

  it('waits with back-off while no reader listens, and connects once one does', async () => {
    const probe = await listenForVpcdCards({ port: 0 });
    const port = probe.port;
    await probe.close();
    const events: VpcdCardClientEvent[] = [];
    const attachment = attach(newCard(), port, events);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const delays = events.flatMap((event) => (event.type === 'disconnected' && event.retryInMs !== undefined ? [event.retryInMs] : []));
    expect(delays.slice(0, 3)).toEqual([20, 40, 80]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(100);
    const reader = await listenForVpcdCards({ port });
    cleanUps.push(() => reader.close());
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await attachment.whenConnected();
    expect(bytesToHex(connection.atr)).toBe(bytesToHex(JPKI_CARD_ATR));
  });

  it('without reconnect, `closed` resolves when the reader goes away, and whenConnected() then rejects', async () => {
    const reader = await listener();
    const attachment = attach(newCard(), reader.port, [], false);
    await (await reader.acceptCard({ timeoutMs: 5_000 })).close();
    await attachment.closed;
    await expect(attachment.whenConnected()).rejects.toMatchObject({ code: 'CARD_CONNECTION' });
  });
});

describe('vpcd card client with a card that throws', () => {
  it('answers 6F00 (no precise diagnosis), reports the error, and keeps answering later frames', async () => {
    const reader = await listener();
    const card = newCard();
    const failing = {
      ...card,
      atr: card.atr,
      powerOn: () => card.powerOn(),
      powerOff: () => card.powerOff(),
      reset: () => card.reset(),
      transmit: (command: Uint8Array) => (command[1] === 0xee ? Promise.reject(new Error('applet bug')) : card.transmit(command)),
    };
    const events: VpcdCardClientEvent[] = [];
    const attachment = attachCardToVpcd(failing, { port: reader.port, onEvent: (event) => events.push(event) });
    cleanUps.push(() => attachment.close());
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    cleanUps.push(() => connection.close());
    expect(bytesToHex(await connection.transmit(hexToBytes('00EE0000')))).toBe('6F00');
    expect(bytesToHex(await connection.transmit(hexToBytes('00A4040C0AD392F000260100000001')))).toBe('9000');
    expect(events.some((event) => event.type === 'card-error' && (event.error as Error).message === 'applet bug')).toBe(true);
  });
});

describe('vpcd card client against a raw vpcd peer', () => {
  async function rawReader(): Promise<{ port: number; socket: Promise<Socket> }> {
    const server = createServer();
    let accept: (socket: Socket) => void = () => undefined;
    const socket = new Promise<Socket>((resolve) => (accept = resolve));
    server.on('connection', (connection) => accept(connection));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanUps.push(async () => {
      (await Promise.race([socket, Promise.resolve(undefined)]))?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const address = server.address();
    return { port: typeof address === 'object' && address !== null ? address.port : 0, socket };
  }

  it('answers only get-ATR and APDUs, ignores unknown control bytes, and survives frames split byte by byte', async () => {
    const { port, socket } = await rawReader();
    const card = newCard();
    const events: VpcdCardClientEvent[] = [];
    attach(card, port, events);
    const peer = await socket;
    const decoder = new VpcdFrameDecoder();
    const answers: string[] = [];
    peer.on('data', (chunk: Buffer) => answers.push(...decoder.push(new Uint8Array(chunk)).map(bytesToHex)));
    // power on, unknown control 03, get ATR, SELECT AID, reset, get ATR — one byte per write.
    const stream = hexToBytes('000101' + '000103' + '000104' + '000F00A4040C0AD392F000260100000001' + '000102' + '000104');
    for (const byte of stream) {
      peer.write(Uint8Array.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil(() => answers.length === 3);
    expect(answers).toEqual([bytesToHex(JPKI_CARD_ATR), '9000', bytesToHex(JPKI_CARD_ATR)]);
    expect(card.contacts).toEqual(['on', 'reset']);
    expect(events.some((event) => event.type === 'protocol-error' && event.error.reason === 'unknown-control')).toBe(true);
  });

  it('a reader hanging up powers the card off (a card pulled from its reader loses power)', async () => {
    const { port, socket } = await rawReader();
    const card = newCard();
    attach(card, port, [], false);
    const peer = await socket;
    peer.write(hexToBytes('000101'));
    await waitUntil(() => card.powered);
    peer.destroy();
    await waitUntil(() => !card.powered);
    expect(card.contacts).toEqual(['on', 'off']);
  });
});

function createHashHex(message: Uint8Array): string {
  return bytesToHex(new Uint8Array(createHash('sha256').update(message).digest()));
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
