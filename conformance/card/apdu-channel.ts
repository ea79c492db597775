/**
 * A suite's view of the card: APDUs out, responses in, each exchange remembered so that a check
 * line can say which command it judged. PINs and keys in command data never reach the record.
 */
import { matchesStatusWord, statusWordPattern } from '../../runtime/apdu/status-words.js';
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { MAX_GET_RESPONSE_ROUNDS, transmitCollecting } from '../../runtime/card/secure-channel.js';
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
    const response = options.raw === true ? await this.#send(command) : await transmitCollecting({ transmit: (bytes) => this.#send(bytes) }, command);
    const data = response.subarray(0, response.length - 2);
    const sw = statusWordOf(response);
    if (options.raw !== true && (sw & 0xff00) === 0x6100) throw new CheckFailure(`card kept answering 61xx after ${MAX_GET_RESPONSE_ROUNDS} GET RESPONSE commands`, { command: shown, got: formatSw(sw) });
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
