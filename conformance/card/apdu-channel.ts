/**
 * A suite's view of the card: APDUs out, responses in, each exchange remembered so that a check
 * line can say which command it judged. PINs and keys in command data never reach the record.
 */
import { matchesStatusWord, statusWordPattern } from '../../runtime/apdu/status-words.js';
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { bytesToHex } from '../../runtime/hex.js';
import { CheckFailure, type CheckEvidence, type EvidenceSource } from './check.js';

export interface Exchange {
  readonly command: Uint8Array;
  readonly data: Uint8Array;
  readonly sw: number;
  /** How the command is shown in a report line (secrets masked). */
  readonly shown: string;
}

export interface TransmitOptions {
  /** A short name for the command, e.g. "VERIFY auth PIN". */
  readonly label?: string;
  /** The data field is a secret (PIN, key): show only the header and Lc. */
  readonly secret?: boolean;
  /** Leave 61xx alone instead of collecting the rest with GET RESPONSE (to judge the raw answer). */
  readonly raw?: boolean;
}

/** GET RESPONSE collects at most this many 61xx rounds; a card that keeps announcing more is broken. */
const MAX_GET_RESPONSE_ROUNDS = 64;

export function formatSw(sw: number): string {
  return sw.toString(16).padStart(4, '0').toUpperCase();
}

export class ApduChannel implements EvidenceSource {
  readonly #connection: CardConnection;
  #evidence: CheckEvidence = {};
  #exchanges = 0;

  constructor(connection: CardConnection) {
    this.#connection = connection;
  }

  get connection(): CardConnection {
    return this.#connection;
  }

  /** Number of APDUs sent so far (GET RESPONSE included). */
  get exchangeCount(): number {
    return this.#exchanges;
  }

  async transmit(command: Uint8Array, options: TransmitOptions = {}): Promise<Exchange> {
    const shown = describeCommand(command, options);
    this.#evidence = { command: shown };
    let response = await this.#send(command);
    let data = response.subarray(0, response.length - 2);
    let sw = statusWordOf(response);
    const chunks: Uint8Array[] = [data];
    // ISO/IEC 7816-4 §5.3.4: 61xx means xx more bytes wait for GET RESPONSE on the same channel.
    for (let round = 0; !options.raw && (sw & 0xff00) === 0x6100; round += 1) {
      if (round === MAX_GET_RESPONSE_ROUNDS) throw new CheckFailure(`card kept answering 61xx after ${round} GET RESPONSE commands`, { command: shown, got: formatSw(sw) });
      const getResponse = new Uint8Array([(command[0] ?? 0) & 0x03, 0xc0, 0x00, 0x00, sw & 0xff]);
      response = await this.#send(getResponse);
      chunks.push(response.subarray(0, response.length - 2));
      sw = statusWordOf(response);
    }
    if (chunks.length > 1) data = concat(chunks);
    this.#evidence = { command: shown, got: describeResponse(data, sw) };
    return { command, data, sw, shown };
  }

  /** Resets the card: every volatile state ends (selection, VERIFY status, secure channel). */
  async reset(): Promise<void> {
    this.#evidence = { command: 'card reset' };
    await this.#connection.reset();
  }

  /**
   * Fails the check unless the status word matches one of the patterns ("9000", "63Cx").
   * Returns the exchange so calls chain.
   */
  expectSw(exchange: Exchange, patterns: readonly string[], what?: string): Exchange {
    const expected = patterns.join(' or ');
    this.#evidence = { command: exchange.shown, expected, got: describeResponse(exchange.data, exchange.sw) };
    if (!patterns.some((pattern) => matchesStatusWord(statusWordPattern(pattern), exchange.sw))) {
      throw new CheckFailure(`${what ?? exchange.shown}: expected SW ${expected}, got ${formatSw(exchange.sw)}`, this.#evidence);
    }
    return exchange;
  }

  /** Makes `exchange` the one the report line shows (e.g. the plain command inside a secure channel). */
  record(exchange: Exchange): void {
    this.#evidence = { command: exchange.shown, got: describeResponse(exchange.data, exchange.sw) };
  }

  /** Records an expectation that is not a status word (a signature verifies, a counter value …). */
  note(expected: string, got: string, command?: string): void {
    this.#evidence = { command: command ?? this.#evidence.command ?? '', expected, got };
  }

  fail(message: string, expected: string, got: string): never {
    this.#evidence = { ...this.#evidence, expected, got };
    throw new CheckFailure(message, this.#evidence);
  }

  lastEvidence(): CheckEvidence {
    return this.#evidence;
  }

  clearEvidence(): void {
    this.#evidence = {};
  }

  async #send(command: Uint8Array): Promise<Uint8Array> {
    this.#exchanges += 1;
    const response = await this.#connection.transmit(command);
    if (response.length < 2) throw new CheckFailure(`card answered ${response.length} byte(s), less than a status word`, { command: bytesToHex(command), got: bytesToHex(response) });
    return response;
  }
}

function statusWordOf(response: Uint8Array): number {
  return ((response[response.length - 2] ?? 0) << 8) | (response[response.length - 1] ?? 0);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function describeCommand(command: Uint8Array, options: TransmitOptions): string {
  const hex = options.secret === true && command.length > 5 ? `${bytesToHex(command.subarray(0, 5))}<${command[4] ?? 0} secret bytes>` : abbreviate(command);
  return options.label === undefined ? hex : `${options.label} ${hex}`;
}

/** Long data fields (signatures, certificates) would drown the line: keep head and size. */
function abbreviate(bytes: Uint8Array): string {
  return bytes.length <= 48 ? bytesToHex(bytes) : `${bytesToHex(bytes.subarray(0, 40))}…(${bytes.length} bytes)`;
}

export function describeResponse(data: Uint8Array, sw: number): string {
  if (data.length === 0) return `SW ${formatSw(sw)}`;
  return `SW ${formatSw(sw)} with ${data.length} byte(s)${data.length <= 16 ? ` ${bytesToHex(data)}` : ''}`;
}
