/**
 * The reader listener against raw sockets playing a virtual card (as vsmartcard's vicc would),
 * including cards that misbehave: every failure is a CardConnectionError, never a hang or a crash.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForVpcdCards, waitForVpcdCard, type VpcdReaderListener } from '../../../runtime/card/vpcd-reader-listener.js';
import { encodeVpcdFrame, VpcdFrameDecoder } from '../../../runtime/card/vpcd-protocol.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';

const ATR = hexToBytes('3BE000FF8131FE4514');
const cleanUps: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

async function listener(exchangeTimeoutMs?: number): Promise<VpcdReaderListener> {
  const reader = await listenForVpcdCards({ port: 0, ...(exchangeTimeoutMs === undefined ? {} : { exchangeTimeoutMs }) });
  cleanUps.push(() => reader.close());
  return reader;
}

/** A scripted card: `answer` maps each payload the reader sends to the frames (raw bytes) to write back. */
function rawCard(port: number, answer: (payload: Uint8Array) => Uint8Array | undefined): { socket: Socket; received: string[] } {
  const socket = connect({ host: '127.0.0.1', port });
  cleanUps.push(() => void socket.destroy());
  const received: string[] = [];
  const decoder = new VpcdFrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const payload of decoder.push(new Uint8Array(chunk))) {
      received.push(bytesToHex(payload));
      const reply = answer(payload);
      if (reply !== undefined) socket.write(reply);
    }
  });
  socket.on('error', () => undefined);
  return { socket, received };
}

const atrOnly = (payload: Uint8Array): Uint8Array | undefined => (bytesToHex(payload) === '04' ? encodeVpcdFrame(ATR) : undefined);

describe('vpcd reader listener', () => {
  it('binds loopback only unless told otherwise', async () => {
    await expect(listenForVpcdCards({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/not a loopback address/u);
    const reader = await listener();
    expect(reader.host).toBe('127.0.0.1');
    expect(reader.port).toBeGreaterThan(0);
  });

  it('powers a connecting card on (01), reads its ATR (04), sends APDUs and powers it off on close (00)', async () => {
    const reader = await listener();
    const card = rawCard(reader.port, (payload) => (payload.length === 1 ? atrOnly(payload) : encodeVpcdFrame(hexToBytes('6D00'))));
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    expect(bytesToHex(connection.atr)).toBe(bytesToHex(ATR));
    expect(bytesToHex(await connection.transmit(hexToBytes('00000000')))).toBe('6D00');
    await connection.close();
    expect(card.received).toEqual(['01', '04', '00000000', '00']);
  });

  it('acceptCard times out with a clear error when no card comes', async () => {
    const reader = await listener();
    await expect(reader.acceptCard({ timeoutMs: 50 })).rejects.toThrow(new RegExp(`no virtual card connected to 127\\.0\\.0\\.1:${reader.port} within 50 ms`, 'u'));
  });

  it('a card that connected before anyone asked is handed out at once', async () => {
    const reader = await listener();
    rawCard(reader.port, atrOnly);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const connection = await reader.acceptCard({ timeoutMs: 1 });
    expect(bytesToHex(connection.atr)).toBe(bytesToHex(ATR));
  });

  it('rejects an APDU that vpcd cannot carry (0 or 1 byte) without touching the card', async () => {
    const reader = await listener();
    const card = rawCard(reader.port, atrOnly);
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await expect(connection.transmit(Uint8Array.of(0x00))).rejects.toMatchObject({ reason: 'ambiguous-apdu' });
    expect(card.received).toEqual(['01', '04']);
  });

  it('a response shorter than SW1 SW2 is a transport failure that ends the connection', async () => {
    const reader = await listener();
    rawCard(reader.port, (payload) => (payload.length === 1 ? atrOnly(payload) : encodeVpcdFrame(Uint8Array.of(0x90))));
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await expect(connection.transmit(hexToBytes('00A40400'))).rejects.toThrow(/answered 1 bytes to an APDU/u);
    await expect(connection.transmit(hexToBytes('00A40400'))).rejects.toMatchObject({ code: 'CARD_CONNECTION' });
  });

  it('an empty ATR means the card left the reader', async () => {
    const reader = await listener();
    rawCard(reader.port, (payload) => (bytesToHex(payload) === '04' ? encodeVpcdFrame(new Uint8Array(0)) : undefined));
    await expect(reader.acceptCard({ timeoutMs: 5_000 })).rejects.toThrow(/empty ATR/u);
  });

  it('a card that sends frames nobody asked for is cut off', async () => {
    const reader = await listener();
    const card = rawCard(reader.port, atrOnly);
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    card.socket.write(encodeVpcdFrame(hexToBytes('9000')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(connection.transmit(hexToBytes('00A40400'))).rejects.toThrow(/nobody asked for/u);
  });

  it('a card that hangs up inside a frame fails the pending transmit, naming the truncated frame', async () => {
    const reader = await listener();
    const card = rawCard(reader.port, (payload) => {
      if (payload.length === 1) return atrOnly(payload);
      card.socket.end(hexToBytes('0010AABB'));
      return undefined;
    });
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await expect(connection.transmit(hexToBytes('00A40400'))).rejects.toThrow(/disconnected: .*4 bytes received, expected 18 bytes/u);
  });

  it('a card that never answers times out instead of hanging', async () => {
    const reader = await listener(100);
    rawCard(reader.port, (payload) => (payload.length === 1 ? atrOnly(payload) : undefined));
    const connection = await reader.acceptCard({ timeoutMs: 5_000 });
    await expect(connection.transmit(hexToBytes('00A40400'))).rejects.toThrow(/within 100 ms/u);
  });

  it('waitForVpcdCard takes one card and stops listening when it is closed', async () => {
    const probe = await listenForVpcdCards({ port: 0 });
    const port = probe.port;
    await probe.close();
    const waiting = waitForVpcdCard({ port, timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    rawCard(port, atrOnly);
    const connection = await waiting;
    expect(bytesToHex(connection.atr)).toBe(bytesToHex(ATR));
    await connection.close();
    const again = await listenForVpcdCards({ port });
    await again.close();
  });
});
