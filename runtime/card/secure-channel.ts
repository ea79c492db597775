/**
 * An SCP03 secure channel opened over any CardConnection: INITIALIZE UPDATE and EXTERNAL
 * AUTHENTICATE through the host session (runtime/scp03), then every command wrapped and every
 * response unwrapped. What a TSM, a conformance suite or a provisioning script talks through.
 */
import { interindustryClass, readClassByte } from '../apdu/class-byte.js';
import { encodeCommandApdu, parseResponseApdu } from '../apdu/command-apdu.js';
import { concatBytes } from '../bytes.js';
import { JpkigenError } from '../errors.js';
import { Scp03HostSession, type HostSessionOptions } from '../scp03/index.js';
import type { CardConnection } from './card-connection.js';

export interface SecureChannelOptions extends HostSessionOptions {
  /** SELECT this security domain first (by AID, on the session's channel). */
  readonly select?: Uint8Array;
}

export interface SecureChannel {
  readonly session: Scp03HostSession;
  /** Wraps a plain command APDU, sends it, and resolves to the unwrapped response APDU (data ‖ SW). */
  transmit(plainCommand: Uint8Array): Promise<Uint8Array>;
}

/** The card refused the SELECT or the channel opening; `sw` is what it answered. */
export class SecureChannelError extends JpkigenError {
  constructor(
    message: string,
    readonly sw: number,
  ) {
    super('SECURE_CHANNEL', message);
  }
}

export async function openSecureChannel(connection: CardConnection, options: SecureChannelOptions): Promise<SecureChannel> {
  const channel = options.channel ?? 0;
  if (options.select !== undefined) {
    const selected = parseResponseApdu(await connection.transmit(encodeCommandApdu({ cla: channel & 0x03, ins: 0xa4, p1: 0x04, p2: 0x00, data: options.select, le: 256 })));
    if (selected === undefined || selected.sw !== 0x9000) throw new SecureChannelError(`SELECT of the security domain answered ${hexWord(selected?.sw)}`, selected?.sw ?? 0);
  }
  const session = new Scp03HostSession(options);
  session.processInitializeUpdateResponse(await expectSuccess(connection, session.buildInitializeUpdate(), 'INITIALIZE UPDATE'));
  session.processExternalAuthenticateResponse(await expectSuccess(connection, session.buildExternalAuthenticate(), 'EXTERNAL AUTHENTICATE'));
  return {
    session,
    transmit: async (plainCommand) => session.unwrapResponse(await transmitCollecting(connection, session.wrapCommand(plainCommand))),
  };
}

/** At most this many GET RESPONSE commands follow one command (64 × 256 bytes is more than any answer here). */
export const MAX_GET_RESPONSE_ROUNDS = 64;

/**
 * Sends a command and follows 61xx with GET RESPONSE (ISO/IEC 7816-4 §5.3.4) on the command's
 * logical channel until the whole response is in: a wrapped response is unwrapped only whole,
 * since its MAC covers all of it. A card still answering 61xx after MAX_GET_RESPONSE_ROUNDS
 * leaves that 61xx as the status word.
 */
export async function transmitCollecting(connection: Pick<CardConnection, 'transmit'>, command: Uint8Array): Promise<Uint8Array> {
  let response = await connection.transmit(command);
  const parts: Uint8Array[] = [];
  for (let rounds = 0; rounds < MAX_GET_RESPONSE_ROUNDS && response.length >= 2 && response[response.length - 2] === 0x61; rounds += 1) {
    parts.push(response.subarray(0, response.length - 2));
    const waiting = response[response.length - 1] ?? 0;
    response = await connection.transmit(encodeCommandApdu({ cla: interindustryClass(readClassByte(command[0] ?? 0)?.channel ?? 0), ins: 0xc0, p1: 0, p2: 0, le: waiting === 0 ? 256 : waiting }));
  }
  return parts.length === 0 ? response : concatBytes(...parts, response);
}

async function expectSuccess(connection: CardConnection, command: Uint8Array, what: string): Promise<Uint8Array> {
  const response = await connection.transmit(command);
  const sw = parseResponseApdu(response)?.sw;
  if (sw !== 0x9000) throw new SecureChannelError(`${what} answered ${hexWord(sw)}`, sw ?? 0);
  return response;
}

function hexWord(sw: number | undefined): string {
  return sw === undefined ? 'nothing' : sw.toString(16).toUpperCase().padStart(4, '0');
}

