/**
 * How a card suite reaches the implementation under test: a virtual card connecting to us over
 * the vpcd protocol (`--listen`), a PC/SC reader (`--reader`), or — the default — something
 * in-process that the caller supplies. Whatever it is, the suites only see a CardConnection.
 */
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { JpkigenError } from '../../runtime/errors.js';

export interface CardTarget {
  readonly connection: CardConnection;
  /** What the report names as the target. */
  readonly description: string;
  /** Closes the connection and whatever was started for it. */
  close(): Promise<void>;
}

export interface TransportOptions {
  /** HOST:PORT to listen on for a vpcd virtual card. */
  readonly listen?: string;
  /** PC/SC reader name. */
  readonly reader?: string;
  /** How long to wait for a virtual card to connect (ms). */
  readonly waitMs?: number;
  /** Printed once listening, so that an operator knows where to point the card. */
  readonly onListening?: (where: string) => void;
}

export class TargetOptionError extends JpkigenError {
  constructor(message: string) {
    super('CONFORMANCE_TARGET', message);
  }
}

export function parseListenAddress(listen: string): { readonly host: string; readonly port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/u.exec(listen);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (match === null || host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new TargetOptionError(`--listen expects HOST:PORT (e.g. 127.0.0.1:35963), got '${listen}'`);
  }
  return { host, port };
}

/** A target over a transport, or undefined when neither --listen nor --reader was given. */
export async function openTransportTarget(options: TransportOptions): Promise<CardTarget | undefined> {
  if (options.listen !== undefined && options.reader !== undefined) throw new TargetOptionError('give either --listen or --reader, not both');
  if (options.listen !== undefined) {
    const { host, port } = parseListenAddress(options.listen);
    const { listenForVpcdCards } = await import('../../runtime/card/vpcd-reader-listener.js');
    const listener = await listenForVpcdCards({ host, port });
    options.onListening?.(`${listener.host}:${listener.port}`);
    try {
      const connection = await listener.acceptCard(options.waitMs === undefined ? {} : { timeoutMs: options.waitMs });
      return { connection, description: `vpcd card on ${listener.host}:${listener.port}`, close: () => listener.close() };
    } catch (error) {
      await listener.close();
      throw error;
    }
  }
  if (options.reader !== undefined) {
    const { connectPcscReader } = await import('../../runtime/card/pcsc-scriptor-connection.js');
    const connection = await connectPcscReader({ reader: options.reader });
    return { connection, description: `PC/SC reader ${options.reader}`, close: () => connection.close() };
  }
  return undefined;
}
