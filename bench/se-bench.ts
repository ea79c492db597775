/**
 * Throughput of the simulated secure element through its transports: APDUs/s (SELECT EF 000A +
 * READ BINARY 256 bytes) and signatures/s (SELECT 0018, VERIFY, SELECT 0017, COMPUTE DIGITAL
 * SIGNATURE over a SHA-256 DigestInfo) on the demo My Number Card, (a) in-process and (b) over
 * vpcd on loopback TCP (our card client ↔ our reader listener). Anchors measured in the same run:
 * the same APDUs through real pcscd + vsmartcard's vpcd + scriptor (PC/SC, when installed), and
 * node:crypto's RSA-2048 PKCS#1 v1.5 signature of the same DigestInfo.
 */
import { constants, createHash, generateKeyPairSync, privateEncrypt } from 'node:crypto';
import type { CardConnection } from '../runtime/card/card-connection.js';
import { connectPcscReader } from '../runtime/card/pcsc-scriptor-connection.js';
import { listenForVpcdCards } from '../runtime/card/vpcd-reader-listener.js';
import { bytesToHex, hexToBytes } from '../runtime/hex.js';
import { createDemoSecureElement, type DemoSecureElement } from '../reference/se/demo-secure-element.js';
import { connectInProcess } from '../reference/se/transports/in-process.js';
import { missingPcscTools, startPrivatePcscd } from '../reference/se/transports/private-pcscd.js';
import { attachCardToVpcd } from '../reference/se/transports/vpcd-card-client.js';
import { operationsPerSecond } from './measure.js';
import type { BenchReport, BenchRow } from './report.js';

const SELECT_AP = hexToBytes('00A4040C0AD392F000260100000001');
const SELECT_AUTH_CERTIFICATE = hexToBytes('00A4020C02000A');
const READ_256 = hexToBytes('00B0000000');
const SELECT_AUTH_PIN = hexToBytes('00A4020C020018');
const SELECT_AUTH_KEY = hexToBytes('00A4020C020017');
const DIGEST_INFO = hexToBytes('3031300D060960864801650304020105000420' + createHash('sha256').update('jpkigen se bench').digest('hex'));
const SIGN = hexToBytes(`802A0080${DIGEST_INFO.length.toString(16).padStart(2, '0')}${bytesToHex(DIGEST_INFO)}00`);

interface Rates {
  readonly apdusPerSecond: number;
  readonly signaturesPerSecond: number;
}

export async function runSeBench(): Promise<BenchReport> {
  const demo = await createDemoSecureElement({ profile: 'card' });
  const verify = hexToBytes(`00200080${demo.pins.auth.length.toString(16).padStart(2, '0')}${bytesToHex(new TextEncoder().encode(demo.pins.auth))}`);
  try {
    // The anchor is measured before and after the transports and averaged: the machine's load drifts.
    const nodeSignBefore = nodeCryptoSignaturesPerSecond();
    const inProcess = await measureConnection(connectInProcess(demo.se), verify, 1_500);
    const loopback = await overVpcdLoopback(demo, verify);
    const pcsc = await overPcscd(demo, verify);
    const nodeSign = (nodeSignBefore + nodeCryptoSignaturesPerSecond()) / 2;
    // Three significant digits: the PC/SC rows are thousands of times below their anchor.
    const ratio = (value: number, anchor: number): number => Number((value / anchor).toPrecision(3));
    const rate = (value: number): string => (Number.isNaN(value) ? 'not available' : `${Math.round(value).toLocaleString('en-US')}`);
    const pcscAnchor = pcsc.rates === undefined ? `pcscd + vpcd + scriptor: not available (${pcsc.why})` : `pcscd + vpcd + scriptor: ${rate(pcsc.rates.apdusPerSecond)} APDU/s`;
    const nodeAnchor = `node:crypto RSA-2048 PKCS#1 v1.5 sign of the same DigestInfo: ${rate(nodeSign)} sig/s`;
    const rows: BenchRow[] = [
      { task: 'APDUs/s in-process (SELECT EF + READ BINARY 256)', value: Math.round(inProcess.apdusPerSecond), unit: 'APDU/s', anchor: `vpcd loopback: ${rate(loopback.apdusPerSecond)} APDU/s`, ratio: ratio(inProcess.apdusPerSecond, loopback.apdusPerSecond) },
      {
        task: 'APDUs/s over vpcd, loopback TCP (our card client ↔ our reader listener)',
        value: Math.round(loopback.apdusPerSecond),
        unit: 'APDU/s',
        anchor: pcscAnchor,
        ...(pcsc.rates === undefined ? {} : { ratio: ratio(loopback.apdusPerSecond, pcsc.rates.apdusPerSecond) }),
      },
      {
        task: 'APDUs/s through real pcscd + vpcd (scriptor, PC/SC)',
        value: pcsc.rates === undefined ? Number.NaN : Math.round(pcsc.rates.apdusPerSecond),
        unit: 'APDU/s',
        note: 'Debian vsmartcard-vpcd sends each frame as two TCP segments (length, then payload) without TCP_NODELAY: Nagle + delayed ACK cost ~40 ms per APDU; fixed upstream in vsmartcard 76e2679 (2023-03-14)',
        ...(pcsc.why === undefined ? {} : { anchor: pcsc.why }),
      },
      { task: 'signatures/s in-process (VERIFY + COMPUTE DIGITAL SIGNATURE)', value: round1(inProcess.signaturesPerSecond), unit: 'sig/s', anchor: nodeAnchor, ratio: ratio(inProcess.signaturesPerSecond, nodeSign) },
      { task: 'signatures/s over vpcd, loopback TCP', value: round1(loopback.signaturesPerSecond), unit: 'sig/s', anchor: nodeAnchor, ratio: ratio(loopback.signaturesPerSecond, nodeSign) },
      {
        task: 'signatures/s through real pcscd + vpcd (scriptor, PC/SC)',
        value: pcsc.rates === undefined ? Number.NaN : round1(pcsc.rates.signaturesPerSecond),
        unit: 'sig/s',
        anchor: nodeAnchor,
        ...(pcsc.rates === undefined ? {} : { ratio: ratio(pcsc.rates.signaturesPerSecond, nodeSign) }),
      },
    ];
    return { suite: 'se', rows };
  } finally {
    await demo.close();
  }
}

async function overVpcdLoopback(demo: DemoSecureElement, verify: Uint8Array): Promise<Rates> {
  const reader = await listenForVpcdCards({ port: 0 });
  const attachment = attachCardToVpcd(demo.se, { port: reader.port, reconnect: false });
  try {
    return await measureConnection(await reader.acceptCard({ timeoutMs: 10_000 }), verify, 1_500);
  } finally {
    await reader.close();
    await attachment.close();
  }
}

async function overPcscd(demo: DemoSecureElement, verify: Uint8Array): Promise<{ rates?: Rates; why?: string }> {
  const missing = missingPcscTools();
  if (missing !== undefined) return { why: missing };
  let pcscd;
  try {
    pcscd = await startPrivatePcscd();
  } catch (error) {
    return { why: (error as Error).message.split('\n')[0] ?? 'pcscd did not start' };
  }
  const attachment = attachCardToVpcd(demo.se, { ...pcscd.cardEndpoint, initialRetryDelayMs: 50 });
  try {
    await attachment.whenConnected();
    await pcscd.waitForCard(true);
    return { rates: await measureConnection(await connectPcscReader({ reader: pcscd.readerName, env: pcscd.env }), verify, 3_000) };
  } finally {
    await attachment.close();
    await pcscd.stop();
  }
}

/** Runs both workloads on one connection (closing it after), each for about `durationMs`. */
async function measureConnection(connection: CardConnection, verify: Uint8Array, durationMs: number): Promise<Rates> {
  try {
    const expectOk = (response: Uint8Array, what: string): void => {
      if (response[response.length - 2] !== 0x90 || response[response.length - 1] !== 0x00) throw new Error(`${what}: SW ${bytesToHex(response.slice(-2))}`);
    };
    expectOk(await connection.transmit(SELECT_AP), 'SELECT JPKI-AP');
    const readPairs = await pairsPerSecond(durationMs, async () => {
      expectOk(await connection.transmit(SELECT_AUTH_CERTIFICATE), 'SELECT 000A');
      const read = await connection.transmit(READ_256);
      expectOk(read, 'READ BINARY');
      if (read.length !== 258) throw new Error(`READ BINARY gave ${read.length - 2} bytes, expected 256`);
    });
    const signatures = await pairsPerSecond(durationMs, async () => {
      expectOk(await connection.transmit(SELECT_AUTH_PIN), 'SELECT 0018');
      expectOk(await connection.transmit(verify), 'VERIFY');
      expectOk(await connection.transmit(SELECT_AUTH_KEY), 'SELECT 0017');
      const signature = await connection.transmit(SIGN);
      expectOk(signature, 'COMPUTE DIGITAL SIGNATURE');
      if (signature.length !== 258) throw new Error(`signature of ${signature.length - 2} bytes, expected 256`);
    });
    return { apdusPerSecond: readPairs * 2, signaturesPerSecond: signatures };
  } finally {
    await connection.close();
  }
}

/** Rounds of `round` per second: a short warm-up, then rounds until `durationMs` has passed. */
async function pairsPerSecond(durationMs: number, round: () => Promise<void>): Promise<number> {
  for (let warmUp = 0; warmUp < 3; warmUp += 1) await round();
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    await round();
    count += 1;
    elapsed = performance.now() - started;
  }
  return (count / elapsed) * 1000;
}

function nodeCryptoSignaturesPerSecond(): number {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return operationsPerSecond(() => privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, DIGEST_INFO), { warmUp: 20, batch: 20, durationMs: 1_500 });
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
