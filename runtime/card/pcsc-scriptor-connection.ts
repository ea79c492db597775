/**
 * A CardConnection through PC/SC with no native addon: a long-lived `scriptor` child (Debian
 * package pcsc-tools, a Perl script over Chipcard::PCSC) holds the card; each command APDU goes
 * to its stdin as one hex line and its answer is parsed from stdout. Facts from /usr/bin/scriptor
 * 1.6.2: `-u` makes stdout unbuffered (without it a pipe would hold answers back); every command
 * is echoed as "> …" then answered "< XX XX … : <status text>" (a line break after every 16
 * bytes); a line saying `reset` reconnects with SCARD_RESET_CARD and answers "< OK: <ATR>" or
 * "< KO: <error>"; `exit` disconnects; a failed SCardTransmit ends the script ("Can't get info").
 * `listPcscReaders` reads `opensc-tool --list-readers` (Debian package opensc).
 */
import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import { CardConnectionError, type CardConnection } from './card-connection.js';
import { bytesToHex, hexToBytes } from '../hex.js';

const run = promisify(execFile);

export interface PcscConnectionOptions {
  /** The PC/SC reader name, as listPcscReaders() gives it. */
  readonly reader: string;
  /** Environment of the child, e.g. PCSCLITE_CSOCK_NAME for a private pcscd. */
  readonly env?: NodeJS.ProcessEnv;
  /** `scriptor` unless told. */
  readonly scriptor?: string;
  /** How long one exchange may take; 60 s unless told (on-card RSA key generation is slow). */
  readonly exchangeTimeoutMs?: number;
}

export interface PcscReader {
  readonly name: string;
  readonly cardPresent: boolean;
}

/** Readers pcscd knows, with whether each holds a card. An empty list when there is none. */
export async function listPcscReaders(options: { readonly env?: NodeJS.ProcessEnv; readonly openscTool?: string } = {}): Promise<PcscReader[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(options.openscTool ?? 'opensc-tool', ['--list-readers'], { env: options.env ?? process.env, encoding: 'utf8' }));
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') throw new CardConnectionError('opensc-tool not found: install the Debian package opensc to list PC/SC readers', { cause: error });
    // opensc-tool exits non-zero when pcscd is not running; say so rather than "no readers".
    throw new CardConnectionError(`opensc-tool --list-readers failed: ${(failure.stderr ?? failure.stdout ?? failure.message).trim()}`, { cause: error });
  }
  return parseOpenscReaderList(stdout);
}

/** Parses `opensc-tool --list-readers`: a header "Nr.  Card  Features  Name", then one row per reader. */
export function parseOpenscReaderList(listing: string): PcscReader[] {
  const lines = listing.split('\n');
  const header = lines.findIndex((line) => /^Nr\.\s+Card\s+Features\s+Name/u.test(line));
  if (header < 0) return [];
  const nameColumn = lines[header]?.indexOf('Name') ?? 0;
  const readers: PcscReader[] = [];
  for (const line of lines.slice(header + 1)) {
    const row = /^(\d+)\s+(Yes|No|\?)\s/u.exec(line);
    if (row === null) continue;
    readers.push({ name: line.slice(nameColumn).trim(), cardPresent: row[2] === 'Yes' });
  }
  return readers;
}

/** Opens the card in `reader` (shared mode) and resets it to read its ATR. */
export async function connectPcscReader(options: PcscConnectionOptions): Promise<CardConnection> {
  const connection = new ScriptorConnection(options);
  try {
    await connection.reset();
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

type Pending = { readonly kind: 'apdu' | 'reset'; resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

class ScriptorConnection implements CardConnection {
  #atr: Uint8Array = new Uint8Array(0);
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #reader: string;
  readonly #timeoutMs: number;
  #stdout = '';
  #stderr = '';
  #answer: string[] = [];
  #pending: Pending | undefined;
  #failure: CardConnectionError | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #exited: Promise<void>;

  constructor(options: PcscConnectionOptions) {
    this.#reader = options.reader;
    this.#timeoutMs = options.exchangeTimeoutMs ?? 60_000;
    this.#child = spawn(options.scriptor ?? 'scriptor', ['-u', '-r', options.reader], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#exited = new Promise((resolve) => this.#child.once('close', () => resolve()));
    this.#child.stdout.setEncoding('utf8').on('data', (text: string) => this.#onStdout(text));
    this.#child.stderr.setEncoding('utf8').on('data', (text: string) => (this.#stderr += text));
    this.#child.stdin.on('error', () => undefined);
    this.#child.once('error', (error: NodeJS.ErrnoException) => {
      const message = error.code === 'ENOENT' ? 'scriptor not found: install the Debian package pcsc-tools' : `scriptor failed: ${error.message}`;
      this.#fail(new CardConnectionError(message, { cause: error }));
    });
    this.#child.once('close', (code, signal) => {
      const why = this.#stderr.trim().split('\n').filter((line) => !/^(Using given card reader|Reading commands from STDIN)/u.test(line)).join('; ');
      this.#fail(new CardConnectionError(`PC/SC connection to "${this.#reader}" ended (scriptor ${signal ?? `exit ${String(code)}`})${why === '' ? '' : `: ${why}`}`));
    });
  }

  get atr(): Uint8Array {
    return this.#atr;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (command.length === 0) return Promise.reject(new CardConnectionError('an empty command APDU cannot be sent'));
    return this.#serialized(() => this.#exchange('apdu', spacedHex(command)));
  }

  reset(): Promise<Uint8Array> {
    return this.#serialized(async () => {
      this.#atr = await this.#exchange('reset', 'reset');
      return this.#atr;
    });
  }

  async close(): Promise<void> {
    await this.#chain.catch(() => undefined);
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.stdin.end('exit\n');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 3_000);
      await this.#exited;
      clearTimeout(timer);
    }
    this.#failure ??= new CardConnectionError(`PC/SC connection to "${this.#reader}" is closed`);
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return work();
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #exchange(kind: Pending['kind'], line: string): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new CardConnectionError(`no answer from the card in "${this.#reader}" within ${this.#timeoutMs} ms`));
        this.#child.kill('SIGKILL');
      }, this.#timeoutMs);
      this.#pending = { kind, resolve, reject, timer };
      this.#answer = [];
      this.#child.stdin.write(`${line}\n`);
    });
  }

  #onStdout(text: string): void {
    this.#stdout += text;
    let newline = this.#stdout.indexOf('\n');
    while (newline >= 0) {
      const line = this.#stdout.slice(0, newline);
      this.#stdout = this.#stdout.slice(newline + 1);
      this.#onLine(line);
      newline = this.#stdout.indexOf('\n');
    }
  }

  #onLine(line: string): void {
    const pending = this.#pending;
    // The echo of our own command and "Using T=1 protocol" carry nothing.
    if (pending === undefined || line.startsWith('> ') || line.startsWith('Using ')) return;
    if (pending.kind === 'reset') {
      const reset = /^< (OK|KO): ?(.*)$/u.exec(line);
      if (reset === null) return;
      if (reset[1] === 'OK') this.#settle(hexToBytes(reset[2] ?? ''));
      else this.#settle(new CardConnectionError(`resetting the card in "${this.#reader}" failed: ${reset[2] ?? ''}`));
      return;
    }
    this.#answer.push(line.startsWith('< ') ? line.slice(2) : line);
    const last = line.indexOf(' : ');
    if (last < 0 && !line.endsWith(' :')) return;
    const hex = this.#answer.join(' ').split(' : ')[0] ?? '';
    try {
      const response = hexToBytes(hex);
      if (response.length < 2) throw new TypeError(`fewer than 2 bytes: '${hex}'`);
      this.#settle(response);
    } catch (error) {
      this.#settle(new CardConnectionError(`unreadable answer from scriptor: ${(error as Error).message}`));
    }
  }

  #settle(result: Uint8Array | CardConnectionError): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    if (result instanceof Uint8Array) pending.resolve(result);
    else pending.reject(result);
  }

  #fail(error: CardConnectionError): void {
    this.#failure ??= error;
    this.#settle(this.#failure);
  }
}

function spacedHex(bytes: Uint8Array): string {
  return (bytesToHex(bytes).match(/../gu) ?? []).join(' ');
}
