/**
 * Throughput of the SCP03 secure channel: full level-33 round trips (host wrap → card unwrap →
 * card wrap response → host unwrap) against the bare node:crypto cost of the same AES work done
 * with one-shot cipher contexts, measured in the same run — the floor under the channel's
 * protocol logic (padding, chaining, counters, constant-time checks, APDU coding).
 */
import { createCipheriv } from 'node:crypto';
import { Scp03CardSession, Scp03HostSession, type Scp03StaticKeys, type SecurityLevel } from '../runtime/scp03/index.js';
import { operationsPerSecond } from './measure.js';
import type { BenchReport, BenchRow } from './report.js';

const TARGET_ROUND_TRIPS_PER_SECOND = 20_000;
const DATA_LENGTH = 32;

function staticKeys(length: 16 | 32): Scp03StaticKeys {
  const key = (seed: number) => Uint8Array.from({ length }, (_, index) => (seed + index) & 0xff);
  return { enc: key(0x00), mac: key(0x40), dek: key(0x80) };
}

const SD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00);

function openChannel(keyLength: 16 | 32, securityLevel: SecurityLevel): { host: Scp03HostSession; card: Scp03CardSession } {
  const keys = staticKeys(keyLength);
  const card = new Scp03CardSession({ keys, keyVersion: 0x30, i: 0x70, sdAid: SD_AID });
  const host = new Scp03HostSession({ keys, keyVersion: 0x30, securityLevel, sdAid: SD_AID });
  host.processInitializeUpdateResponse(card.processInitializeUpdate(host.buildInitializeUpdate()));
  host.processExternalAuthenticateResponse(card.processExternalAuthenticate(host.buildExternalAuthenticate()));
  return { host, card };
}

/** A STORE DATA-shaped case 4 command and a 9000 response, both with 32 data bytes. */
const COMMAND = Uint8Array.from([0x80, 0xe2, 0x90, 0x00, DATA_LENGTH, ...Array.from({ length: DATA_LENGTH }, (_, index) => index), 0x00]);
const RESPONSE = Uint8Array.from([...Array.from({ length: DATA_LENGTH }, (_, index) => 0xff - index), 0x90, 0x00]);

function roundTrip(host: Scp03HostSession, card: Scp03CardSession): void {
  card.unwrapCommand(host.wrapCommand(COMMAND));
  host.unwrapResponse(card.wrapResponse(RESPONSE));
}

/**
 * The anchor: the AES work a protocol step needs at minimum, each operation in a fresh
 * node:crypto CBC context (one ECB block is a 16-byte CBC pass). `passes` lists the bytes each
 * operation processes; CMAC's subkey step is left out, so the anchor is a floor, not a rival.
 */
function oneShotAes(keyLength: 16 | 32, passes: readonly number[]): () => void {
  const key = new Uint8Array(keyLength).fill(0x2b);
  const iv = new Uint8Array(16);
  const inputs = passes.map((length) => new Uint8Array(length));
  const algorithm = `aes-${keyLength * 8}-cbc`;
  return () => {
    for (const input of inputs) {
      const cipher = createCipheriv(algorithm, key, iv);
      cipher.setAutoPadding(false);
      cipher.update(input);
    }
  };
}

/**
 * Level 33, per round trip, four times (command and response, each protected and checked): the
 * ICV block, CBC over the 48 padded data bytes, and a MAC pass over the ≈80 bytes a C-MAC/R-MAC
 * covers (chaining value, header or SW, ciphertext).
 */
const LEVEL_33_PASSES = [16, 48, 80, 16, 48, 80, 16, 48, 80, 16, 48, 80];
/** Level 01: the C-MAC computed by the host and again by the card, over chaining value, header and 32 data bytes. */
const LEVEL_01_PASSES = [64, 64];
/**
 * Session open: 14 KDF CMACs over ≈32-byte inputs — card challenge, three session keys and the card
 * cryptogram on each side, the host cryptogram on each side, and the EXTERNAL AUTHENTICATE C-MAC on each side.
 */
const SESSION_OPEN_PASSES = new Array<number>(14).fill(32);


function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export async function runScp03Bench(): Promise<BenchReport> {
  const measureRoundTrips = (keyLength: 16 | 32, level: SecurityLevel): number => {
    const { host, card } = openChannel(keyLength, level);
    try {
      return operationsPerSecond(() => roundTrip(host, card));
    } finally {
      host.close();
      card.dispose();
    }
  };
  const row = (task: string, value: number, unit: string, anchorRate: number, anchorName: string, extra: Partial<BenchRow> = {}): BenchRow => ({
    task,
    value: Math.round(value),
    unit,
    anchor: `${anchorName}: ${Math.round(anchorRate).toLocaleString('en-US')} ${unit}`,
    ratio: round2(value / anchorRate),
    ...extra,
  });

  const level33 = measureRoundTrips(16, 0x33);
  const level33Anchor = operationsPerSecond(oneShotAes(16, LEVEL_33_PASSES));
  const level33Aes256 = measureRoundTrips(32, 0x33);
  const level33Aes256Anchor = operationsPerSecond(oneShotAes(32, LEVEL_33_PASSES));
  const level01 = measureRoundTrips(16, 0x01);
  const level01Anchor = operationsPerSecond(oneShotAes(16, LEVEL_01_PASSES));
  const sessions = operationsPerSecond(() => {
    const { host, card } = openChannel(16, 0x33);
    host.close();
    card.dispose();
  });
  const sessionsAnchor = operationsPerSecond(oneShotAes(16, SESSION_OPEN_PASSES));

  return {
    suite: 'scp03',
    rows: [
      row('level 33 round trip, AES-128, 32-byte command and response data', level33, 'round trips/s', level33Anchor, 'bare node:crypto, 12 one-shot AES-128 passes', {
        target: TARGET_ROUND_TRIPS_PER_SECOND,
        meetsTarget: level33 >= TARGET_ROUND_TRIPS_PER_SECOND,
        note: 'host wrap → card unwrap → card wrap → host unwrap; ratio = rate ÷ anchor rate (1 = as fast as the bare AES calls)',
      }),
      row('level 33 round trip, AES-256, 32-byte data', level33Aes256, 'round trips/s', level33Aes256Anchor, 'bare node:crypto, 12 one-shot AES-256 passes'),
      row('level 01 round trip (C-MAC only), AES-128, 32-byte data', level01, 'round trips/s', level01Anchor, 'bare node:crypto, 2 one-shot AES-128 MAC passes'),
      row('session open: INITIALIZE UPDATE + EXTERNAL AUTHENTICATE, both ends, AES-128', sessions, 'sessions/s', sessionsAnchor, 'bare node:crypto, 14 one-shot AES-128 KDF passes', {
        note: 'pseudo-random card challenge, session keys and both cryptograms, checked on both ends',
      }),
    ],
  };
}
