/**
 * For the card conformance suites' tests: one in-memory CA shared by every demo secure element
 * of a test file (bringing up embedded PostgreSQL once, not per card), and PIN counters read
 * with raw APDUs written out here — independent of the suite under test.
 */
import { CertificateAuthority, MemoryKeystore, openDatabase } from '../../reference/ca/index.js';
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { hexToBytes } from '../../runtime/hex.js';

export interface SharedAuthority {
  readonly authority: CertificateAuthority;
  close(): Promise<void>;
}

export async function openSharedAuthority(): Promise<SharedAuthority> {
  const database = await openDatabase();
  const authority = await CertificateAuthority.open({ database, keystore: new MemoryKeystore() });
  await authority.bootstrap();
  return { authority, close: () => database.close() };
}

/** The status word of the retry query (00 20 00 80, no data) on EF 0018 (auth) or 001B (sign), in a fresh session. */
export async function retryCounterStatus(connection: CardConnection, pin: 'auth' | 'sign'): Promise<string> {
  await connection.reset();
  const sw = async (apdu: string): Promise<string> => {
    const response = await connection.transmit(hexToBytes(apdu));
    return Buffer.from(response.subarray(-2)).toString('hex').toUpperCase();
  };
  if ((await sw('00A4040C0AD392F000260100000001')) !== '9000') throw new Error('SELECT of the JPKI-AP failed');
  if ((await sw(pin === 'auth' ? '00A4020C020018' : '00A4020C02001B')) !== '9000') throw new Error('SELECT of the PIN EF failed');
  return sw('00200080');
}

/** Presents a wrong PIN once (raw APDU), to put a counter below its maximum before a run. */
export async function spendOneTry(connection: CardConnection, pin: 'auth' | 'sign', wrongValue: string): Promise<string> {
  await connection.reset();
  await connection.transmit(hexToBytes('00A4040C0AD392F000260100000001'));
  await connection.transmit(hexToBytes(pin === 'auth' ? '00A4020C020018' : '00A4020C02001B'));
  const data = Buffer.from(wrongValue, 'ascii');
  const response = await connection.transmit(Uint8Array.from([0x00, 0x20, 0x00, 0x80, data.length, ...data]));
  return Buffer.from(response.subarray(-2)).toString('hex').toUpperCase();
}

/** VERIFY with `value` in a fresh session (raw APDUs); the status word. */
export async function verifyStatus(connection: CardConnection, pin: 'auth' | 'sign', value: string): Promise<string> {
  return spendOneTry(connection, pin, value);
}
