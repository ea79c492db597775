/** Opens a host and a card session on the same keys and runs the handshake between them. */
import { Scp03CardSession, type CardSessionOptions } from '../../../runtime/scp03/card-session.js';
import { Scp03HostSession, type HostSessionOptions } from '../../../runtime/scp03/host-session.js';
import type { Scp03StaticKeys } from '../../../runtime/scp03/kdf.js';
import { hexToBytes } from './vectors.js';

export const SD_AID = hexToBytes('A000000151000000');

export function testKeys(length: 16 | 24 | 32, seed = 0): Scp03StaticKeys {
  const key = (offset: number) => Uint8Array.from({ length }, (_, index) => (seed + offset + index * 3) & 0xff);
  return { enc: key(0x00), mac: key(0x40), dek: key(0x80) };
}

export interface PairOptions {
  readonly keyLength?: 16 | 24 | 32;
  readonly securityLevel?: number;
  readonly mode?: 'S8' | 'S16';
  readonly i?: number;
  readonly channel?: number;
  readonly extendedLength?: boolean;
  readonly host?: Partial<HostSessionOptions>;
  readonly card?: Partial<CardSessionOptions>;
}

export function openPair(options: PairOptions = {}): { host: Scp03HostSession; card: Scp03CardSession } {
  const keys = testKeys(options.keyLength ?? 16);
  const mode = options.mode ?? 'S8';
  const card = new Scp03CardSession({
    keys,
    keyVersion: 0x30,
    i: options.i ?? (mode === 'S16' ? 0x71 : 0x70),
    sdAid: SD_AID,
    ...(options.extendedLength === undefined ? {} : { extendedLength: options.extendedLength }),
    ...options.card,
  });
  const host = new Scp03HostSession({
    keys,
    keyVersion: 0x30,
    securityLevel: options.securityLevel ?? 0x33,
    mode,
    sdAid: SD_AID,
    ...(options.channel === undefined ? {} : { channel: options.channel }),
    ...(options.extendedLength === undefined ? {} : { extendedLength: options.extendedLength }),
    ...options.host,
  });
  host.processInitializeUpdateResponse(card.processInitializeUpdate(host.buildInitializeUpdate()));
  host.processExternalAuthenticateResponse(card.processExternalAuthenticate(host.buildExternalAuthenticate()));
  return { host, card };
}

/** host wrap → card unwrap → card wrap → host unwrap; returns what each end recovered. */
export function exchange(
  pair: { host: Scp03HostSession; card: Scp03CardSession },
  command: Uint8Array,
  response: Uint8Array,
): { wrapped: Uint8Array; received: Uint8Array; protectedResponse: Uint8Array; plainResponse: Uint8Array } {
  const wrapped = pair.host.wrapCommand(command);
  const received = pair.card.unwrapCommand(wrapped);
  const protectedResponse = pair.card.wrapResponse(response);
  const plainResponse = pair.host.unwrapResponse(protectedResponse);
  return { wrapped, received, protectedResponse, plainResponse };
}
