/**
 * Reads the SCP03 vector files of shared/vectors/scp03 (FORMAT.md there) into typed values. The
 * JSON is untrusted: every field is checked, and the first problem is reported by its JSON
 * pointer and what was expected there, never as an exception from deep inside the replay.
 */

export interface Scp03SessionKeysField {
  readonly kvn: number;
  readonly enc: Uint8Array;
  readonly mac: Uint8Array;
  readonly dek: Uint8Array;
}

export type Scp03SessionStep =
  | { readonly op: 'initializeUpdate'; readonly pointer: string; readonly command: Uint8Array; readonly response: Uint8Array; readonly sw: number }
  | { readonly op: 'externalAuthenticate'; readonly pointer: string; readonly command: Uint8Array; readonly sw: number }
  | { readonly op: 'wrapCommand'; readonly pointer: string; readonly plain: Uint8Array; readonly wrapped: Uint8Array }
  | { readonly op: 'unwrapResponse'; readonly pointer: string; readonly protectedData: Uint8Array; readonly sw: number; readonly plain: Uint8Array };

export interface Scp03SessionFile {
  readonly protocol: 'SCP03';
  readonly name: string | undefined;
  readonly source: string | undefined;
  readonly keys: Scp03SessionKeysField;
  readonly sdAid: Uint8Array | undefined;
  readonly securityLevel: number;
  readonly hostChallenge: Uint8Array;
  readonly steps: readonly Scp03SessionStep[];
}

export interface Scp03KdfVector {
  readonly pointer: string;
  readonly key: Uint8Array;
  readonly constant: number;
  readonly context: Uint8Array;
  readonly output: Uint8Array;
  readonly lengthBits: number;
}

export interface Scp03KdfFile {
  readonly protocol: 'SCP03-KDF';
  readonly name: string | undefined;
  readonly source: string | undefined;
  readonly vectors: readonly Scp03KdfVector[];
}

/** The expected output of a unit vector: the whole value, or (as published) only its first 8 bytes. */
export interface ExpectedOutput {
  readonly bytes: Uint8Array;
  readonly prefixOnly: boolean;
}

export type Scp03UnitVector =
  | {
      readonly kind: 'hostCryptogram' | 'cardCryptogram';
      readonly pointer: string;
      readonly sMac: Uint8Array;
      readonly hostChallenge: Uint8Array;
      readonly cardChallenge: Uint8Array;
      readonly constant: number | undefined;
      readonly lengthBits: number | undefined;
      readonly output: ExpectedOutput;
    }
  | {
      readonly kind: 'commandMac';
      readonly pointer: string;
      readonly sMac: Uint8Array;
      readonly macChainingValue: Uint8Array;
      readonly input: Uint8Array;
      readonly output: ExpectedOutput;
    }
  | {
      readonly kind: 'responseMac';
      readonly pointer: string;
      readonly sRmac: Uint8Array;
      readonly macChainingValue: Uint8Array;
      readonly data: Uint8Array;
      readonly sw: number;
      readonly output: ExpectedOutput;
    };

export interface Scp03UnitsFile {
  readonly protocol: 'SCP03-UNITS';
  readonly name: string | undefined;
  readonly source: string | undefined;
  readonly vectors: readonly Scp03UnitVector[];
}

export type Scp03VectorFile = Scp03SessionFile | Scp03KdfFile | Scp03UnitsFile;

export const SCP03_PROTOCOLS = ['SCP03', 'SCP03-KDF', 'SCP03-UNITS'] as const;

/** A field that is missing or not what FORMAT.md says, located by JSON pointer (RFC 6901). */
export class VectorFileError extends Error {
  readonly pointer: string;
  readonly expected: string;

  constructor(pointer: string, expected: string) {
    super(`${pointer === '' ? '(root)' : pointer}: expected ${expected}`);
    this.name = 'VectorFileError';
    this.pointer = pointer;
    this.expected = expected;
  }
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function child(pointer: string, key: string | number): string {
  return `${pointer}/${typeof key === 'number' ? key : escapePointer(key)}`;
}

function object(value: unknown, pointer: string): JsonObject {
  if (!isObject(value)) throw new VectorFileError(pointer, 'an object');
  return value;
}

function array(value: unknown, pointer: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new VectorFileError(pointer, 'an array');
  return value;
}

function optionalString(parent: JsonObject, key: string, pointer: string): string | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new VectorFileError(child(pointer, key), 'a string');
  return value;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Parses hex (case-insensitive, no separators); `lengths` lists the allowed byte lengths. */
export function parseHex(value: unknown, pointer: string, lengths?: readonly number[]): Uint8Array {
  const expected = `a hex string${lengths === undefined ? '' : ` of ${lengths.join(' or ')} bytes`}`;
  if (typeof value !== 'string' || !HEX.test(value)) throw new VectorFileError(pointer, expected);
  const bytes = new Uint8Array(Buffer.from(value, 'hex'));
  if (lengths !== undefined && !lengths.includes(bytes.length)) throw new VectorFileError(pointer, `${expected}, got ${bytes.length}`);
  return bytes;
}

function hexField(parent: JsonObject, key: string, pointer: string, lengths?: readonly number[]): Uint8Array {
  if (parent[key] === undefined) throw new VectorFileError(child(pointer, key), `a hex string (field "${key}" is missing)`);
  return parseHex(parent[key], child(pointer, key), lengths);
}

function optionalHexField(parent: JsonObject, key: string, pointer: string, lengths?: readonly number[]): Uint8Array | undefined {
  return parent[key] === undefined ? undefined : parseHex(parent[key], child(pointer, key), lengths);
}

function byteField(parent: JsonObject, key: string, pointer: string): number {
  return hexField(parent, key, pointer, [1])[0] ?? 0;
}

function optionalByteField(parent: JsonObject, key: string, pointer: string): number | undefined {
  const bytes = optionalHexField(parent, key, pointer, [1]);
  return bytes?.[0];
}

function swField(parent: JsonObject, key: string, pointer: string, fallback?: number): number {
  if (parent[key] === undefined && fallback !== undefined) return fallback;
  const bytes = hexField(parent, key, pointer, [2]);
  return ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
}

function lengthBitsField(parent: JsonObject, key: string, pointer: string, required: boolean): number | undefined {
  const value = parent[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value % 8 !== 0 || value > 0xffff) {
    throw new VectorFileError(child(pointer, key), 'a positive whole number of bits, a multiple of 8');
  }
  return value;
}

const AES_KEY_LENGTHS = [16, 24, 32] as const;

export function parseScp03VectorFile(json: unknown): Scp03VectorFile {
  const root = object(json, '');
  const protocol = root['protocol'];
  const name = optionalString(root, 'name', '');
  const source = optionalString(root, 'source', '');
  switch (protocol) {
    case 'SCP03':
      return { protocol, name, source, ...parseSession(root) };
    case 'SCP03-KDF':
      return { protocol, name, source, vectors: array(root['vectors'], '/vectors').map((vector, index) => parseKdfVector(vector, `/vectors/${index}`)) };
    case 'SCP03-UNITS':
      return { protocol, name, source, vectors: array(root['vectors'], '/vectors').map((vector, index) => parseUnitVector(vector, `/vectors/${index}`)) };
    default:
      throw new VectorFileError('/protocol', `one of ${SCP03_PROTOCOLS.map((value) => `"${value}"`).join(', ')}`);
  }
}

function parseSession(root: JsonObject): Omit<Scp03SessionFile, 'protocol' | 'name' | 'source'> {
  const keysObject = object(root['keys'], '/keys');
  const keys: Scp03SessionKeysField = {
    kvn: byteField(keysObject, 'kvn', '/keys'),
    enc: hexField(keysObject, 'enc', '/keys', AES_KEY_LENGTHS),
    mac: hexField(keysObject, 'mac', '/keys', AES_KEY_LENGTHS),
    dek: hexField(keysObject, 'dek', '/keys', AES_KEY_LENGTHS),
  };
  if (keys.mac.length !== keys.enc.length || keys.dek.length !== keys.enc.length) {
    throw new VectorFileError('/keys', 'enc, mac and dek of the same length (Amd D §6.1)');
  }
  const steps = array(root['steps'], '/steps').map((step, index) => parseStep(step, `/steps/${index}`));
  if (steps.length === 0) throw new VectorFileError('/steps', 'at least one step');
  return {
    keys,
    sdAid: optionalHexField(root, 'sdAid', '', [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
    securityLevel: byteField(root, 'securityLevel', ''),
    hostChallenge: hexField(root, 'hostChallenge', '', [8, 16]),
    steps,
  };
}

const STEP_OPS = ['initializeUpdate', 'externalAuthenticate', 'wrapCommand', 'unwrapResponse'] as const;

function parseStep(value: unknown, pointer: string): Scp03SessionStep {
  const step = object(value, pointer);
  switch (step['op']) {
    case 'initializeUpdate':
      return { op: 'initializeUpdate', pointer, command: hexField(step, 'command', pointer), response: hexField(step, 'response', pointer), sw: swField(step, 'sw', pointer) };
    case 'externalAuthenticate':
      // FORMAT.md does not list a status word for this step; the files carry '9000', which is the default.
      return { op: 'externalAuthenticate', pointer, command: hexField(step, 'command', pointer), sw: swField(step, 'sw', pointer, 0x9000) };
    case 'wrapCommand':
      return { op: 'wrapCommand', pointer, plain: hexField(step, 'plain', pointer), wrapped: hexField(step, 'wrapped', pointer) };
    case 'unwrapResponse':
      return {
        op: 'unwrapResponse',
        pointer,
        protectedData: hexField(step, 'protected', pointer),
        sw: swField(step, 'sw', pointer),
        plain: hexField(step, 'plain', pointer),
      };
    default:
      throw new VectorFileError(child(pointer, 'op'), `one of ${STEP_OPS.map((op) => `"${op}"`).join(', ')}`);
  }
}

function parseKdfVector(value: unknown, pointer: string): Scp03KdfVector {
  const vector = object(value, pointer);
  const output = hexField(vector, 'output', pointer);
  const lengthBits = lengthBitsField(vector, 'lengthBits', pointer, false) ?? output.length * 8;
  if (lengthBits !== output.length * 8) throw new VectorFileError(child(pointer, 'lengthBits'), `the output's length in bits (${output.length * 8})`);
  return {
    pointer,
    key: hexField(vector, 'key', pointer, AES_KEY_LENGTHS),
    constant: byteField(vector, 'constant', pointer),
    context: hexField(vector, 'context', pointer),
    output,
    lengthBits,
  };
}

const UNIT_KINDS = ['hostCryptogram', 'cardCryptogram', 'commandMac', 'responseMac'] as const;

function expectedOutput(vector: JsonObject, pointer: string): ExpectedOutput {
  if (vector['output'] !== undefined) return { bytes: hexField(vector, 'output', pointer), prefixOnly: false };
  if (vector['outputFirst8'] !== undefined) return { bytes: hexField(vector, 'outputFirst8', pointer, [8]), prefixOnly: true };
  throw new VectorFileError(child(pointer, 'output'), 'a hex string (neither "output" nor "outputFirst8" is present)');
}

function parseUnitVector(value: unknown, pointer: string): Scp03UnitVector {
  const vector = object(value, pointer);
  const kind = vector['kind'];
  switch (kind) {
    case 'hostCryptogram':
    case 'cardCryptogram':
      return {
        kind,
        pointer,
        sMac: hexField(vector, 'sMac', pointer, AES_KEY_LENGTHS),
        hostChallenge: hexField(vector, 'hostChallenge', pointer, [8, 16]),
        cardChallenge: hexField(vector, 'cardChallenge', pointer, [8, 16]),
        constant: optionalByteField(vector, 'constant', pointer),
        lengthBits: lengthBitsField(vector, 'lengthBits', pointer, false),
        output: expectedOutput(vector, pointer),
      };
    case 'commandMac':
      return {
        kind,
        pointer,
        sMac: hexField(vector, 'sMac', pointer, AES_KEY_LENGTHS),
        macChainingValue: hexField(vector, 'macChainingValue', pointer, [16]),
        input: hexField(vector, 'input', pointer),
        output: expectedOutput(vector, pointer),
      };
    case 'responseMac':
      return {
        kind,
        pointer,
        sRmac: hexField(vector, 'sRmac', pointer, AES_KEY_LENGTHS),
        macChainingValue: hexField(vector, 'macChainingValue', pointer, [16]),
        data: hexField(vector, 'data', pointer),
        sw: swField(vector, 'sw', pointer),
        output: expectedOutput(vector, pointer),
      };
    default:
      throw new VectorFileError(child(pointer, 'kind'), `one of ${UNIT_KINDS.map((unit) => `"${unit}"`).join(', ')}`);
  }
}
