/**
 * The interpreter behind generated APDU modules: a command table is data (descriptors read from
 * spec/apdu), and these functions build, dispatch and parse by it. Generated code adds the types.
 */
import { JpkigenError } from '../errors.js';
import { concatBytes } from '../bytes.js';
import { decodeTlvs, encodeTlv, TlvError, type Tlv } from './ber-tlv.js';
import { encodeCommandApdu, parseCommandApdu, parseResponseApdu, type CommandApdu } from './command-apdu.js';
import { IsoStatusWord, matchesStatusWord, statusWordPattern, type StatusWordPattern } from './status-words.js';

export interface LengthRange {
  readonly min: number;
  readonly max: number;
}

export interface ValueDescriptor {
  readonly type: 'bytes' | 'uint' | 'ascii' | 'enum' | 'bitset' | 'structure';
  readonly ref?: string;
  readonly charset?: 'digits' | 'alphanumeric' | 'printable';
}

export interface FieldDescriptor {
  readonly name: string;
  readonly length: LengthRange;
  readonly lengthPrefixed: boolean;
  readonly optional: boolean;
  readonly value: ValueDescriptor;
}

export interface DataDescriptor {
  readonly kind: 'bytes' | 'ascii' | 'fields' | 'tlv';
  readonly name?: string;
  readonly length?: LengthRange;
  readonly charset?: 'digits' | 'alphanumeric' | 'printable';
  readonly fields?: readonly FieldDescriptor[];
  readonly structure?: string;
  readonly repeated?: boolean;
}

export interface ParameterDescriptor {
  readonly name: string;
  /** Bit numbers over P1-P2: 16 is P1 b8, 1 is P2 b1. */
  readonly msb: number;
  readonly lsb: number;
  readonly type: 'uint' | 'flag' | 'enum';
  readonly ref?: string;
}

export interface CommandDescriptor {
  readonly name: string;
  readonly cla: number;
  readonly logicalChannel: boolean;
  readonly secureMessaging: boolean;
  readonly ins: number;
  /** Fixed bits of P1-P2 (P1 high byte) and their values. */
  readonly fixedMask: number;
  readonly fixedValue: number;
  readonly parameters: readonly ParameterDescriptor[];
  readonly data?: DataDescriptor;
  readonly le: 'none' | 'required' | 'optional';
  readonly extendedLength: boolean;
  readonly responseData?: DataDescriptor;
  readonly responseStatusWords: readonly string[];
}

export interface EnumDescriptor {
  readonly size: number;
  readonly values: Readonly<Record<string, number>>;
}

export interface BitsetDescriptor {
  readonly size: number;
  readonly bits: Readonly<Record<string, { readonly byte: number; readonly bit: number }>>;
}

export interface StructureChildDescriptor {
  readonly tag: number;
  readonly name: string;
  readonly structure?: string;
  readonly length?: LengthRange;
  readonly value?: ValueDescriptor;
  readonly required: boolean;
  readonly repeated: boolean;
}

export interface StructureDescriptor {
  readonly tag: number;
  readonly length?: LengthRange;
  readonly value?: ValueDescriptor;
  readonly children?: readonly StructureChildDescriptor[];
}

export interface StatusWordDescriptor {
  readonly sw: string;
  readonly name: string;
  readonly meaning: string;
}

export interface CommandTable {
  readonly name: string;
  readonly commands: readonly CommandDescriptor[];
  readonly statusWords: readonly StatusWordDescriptor[];
  readonly enums: Readonly<Record<string, EnumDescriptor>>;
  readonly bitsets: Readonly<Record<string, BitsetDescriptor>>;
  readonly structures: Readonly<Record<string, StructureDescriptor>>;
}

/** Field values as builders take them and the dispatcher returns them. */
export type FieldValues = Readonly<Record<string, unknown>>;

/** A decoded structure: named children, plus any child the spec does not name, kept for re-encoding. */
export interface StructureValue {
  readonly [name: string]: unknown;
}

export class ApduEncodingError extends JpkigenError {
  constructor(table: string, command: string, message: string) {
    super('APDU_ENCODING', `${table}.${command}: ${message}`);
  }
}

/** A value the dispatcher could not accept, with the status word a card would answer. */
class RejectedField extends Error {
  constructor(
    readonly sw: number,
    message: string,
  ) {
    super(message);
  }
}

export interface BuildOptions {
  /** Logical channel 0–3, carried in CLA b2–b1 when the command allows channels. */
  readonly channel?: number;
  /** Send Lc/Le in the extended form even when short would do. */
  readonly extended?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Building

export function buildCommand(table: CommandTable, commandName: string, fields: object, options: BuildOptions = {}): Uint8Array {
  const values = fields as FieldValues;
  const command = table.commands.find((candidate) => candidate.name === commandName);
  if (command === undefined) throw new ApduEncodingError(table.name, commandName, 'no such command');
  const fail = (message: string): never => {
    throw new ApduEncodingError(table.name, commandName, message);
  };
  let p1p2 = command.fixedValue;
  for (const parameter of command.parameters) {
    const raw = parameterToNumber(table, parameter, values[parameter.name], fail);
    const width = parameter.msb - parameter.lsb + 1;
    if (raw < 0 || raw >= 2 ** width) fail(`${parameter.name} ${raw} does not fit in ${width} bit(s)`);
    p1p2 |= raw << (parameter.lsb - 1);
  }
  let cla = command.cla;
  if (options.channel !== undefined) {
    if (!command.logicalChannel || options.channel < 0 || options.channel > 3) fail(`logical channel ${options.channel} is not available`);
    cla |= options.channel;
  }
  const data = command.data === undefined ? undefined : encodeData(table, command.data, values, fail);
  const le = command.le === 'none' ? undefined : leFrom(values['le'], command.le, fail);
  return encodeCommandApdu({
    cla,
    ins: command.ins,
    p1: p1p2 >> 8,
    p2: p1p2 & 0xff,
    ...(data === undefined ? {} : { data }),
    ...(le === undefined ? {} : { le }),
    ...(options.extended === true ? { extended: true } : {}),
  });
}

function leFrom(value: unknown, mode: 'required' | 'optional', fail: (message: string) => never): number | undefined {
  if (value === undefined) return mode === 'required' ? 256 : undefined;
  if (typeof value !== 'number') return fail(`le must be a number, got ${typeof value}`);
  return value;
}

function parameterToNumber(table: CommandTable, parameter: ParameterDescriptor, value: unknown, fail: (message: string) => never): number {
  switch (parameter.type) {
    case 'flag':
      if (typeof value !== 'boolean') fail(`${parameter.name} must be a boolean`);
      return value === true ? 1 : 0;
    case 'uint':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${parameter.name} must be an integer`);
      return value as number;
    case 'enum': {
      const coding = table.enums[parameter.ref ?? '']?.values[String(value)];
      if (coding === undefined) fail(`${parameter.name} must be one of ${Object.keys(table.enums[parameter.ref ?? '']?.values ?? {}).join(', ')}`);
      return coding as number;
    }
  }
}

function encodeData(table: CommandTable, data: DataDescriptor, values: FieldValues, fail: (message: string) => never): Uint8Array {
  switch (data.kind) {
    case 'bytes':
    case 'ascii':
      return encodeValue(table, { type: data.kind, ...(data.charset === undefined ? {} : { charset: data.charset }) }, values[data.name ?? 'data'], data.length, data.name ?? 'data', fail);
    case 'fields':
      return concatBytes(
        ...(data.fields ?? []).flatMap((field) => {
          const value = values[field.name];
          if (value === undefined) {
            if (field.optional) return [];
            return fail(`${field.name} is required`);
          }
          const encoded = encodeValue(table, field.value, value, field.length, field.name, fail);
          return field.lengthPrefixed ? [Uint8Array.of(encoded.length), encoded] : [encoded];
        }),
      );
    case 'tlv': {
      const value = values[data.name ?? 'data'];
      const items = data.repeated === true ? (Array.isArray(value) ? value : fail(`${data.name ?? 'data'} must be a list`)) : [value];
      return concatBytes(...items.map((item) => encodeStructure(table, data.structure ?? '', item, fail)));
    }
  }
}

function encodeValue(table: CommandTable, descriptor: ValueDescriptor, value: unknown, length: LengthRange | undefined, name: string, fail: (message: string) => never): Uint8Array {
  let bytes: Uint8Array;
  switch (descriptor.type) {
    case 'bytes':
    case 'bitset':
      if (!(value instanceof Uint8Array)) return fail(`${name} must be a Uint8Array`);
      bytes = value;
      break;
    case 'ascii':
      if (typeof value !== 'string') return fail(`${name} must be a string`);
      if (!charsetAccepts(descriptor.charset, value)) return fail(`${name} must be ${descriptor.charset ?? 'printable'} characters`);
      bytes = Uint8Array.from(value, (character) => character.charCodeAt(0));
      break;
    case 'uint':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return fail(`${name} must be a non-negative integer`);
      bytes = uintBytes(value, length?.max ?? minimalWidth(value));
      break;
    case 'enum': {
      const enumeration = table.enums[descriptor.ref ?? ''];
      const coding = enumeration?.values[String(value)];
      if (enumeration === undefined || coding === undefined) return fail(`${name} must be one of ${Object.keys(enumeration?.values ?? {}).join(', ')}`);
      bytes = uintBytes(coding, enumeration.size);
      break;
    }
    case 'structure':
      bytes = encodeStructure(table, descriptor.ref ?? '', value, fail);
      break;
  }
  if (length !== undefined && (bytes.length < length.min || bytes.length > length.max)) {
    fail(`${name} must be ${length.min === length.max ? length.min : `${length.min}–${length.max}`} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Encodes a value as the named structure's TLV, as builders do for TLV data fields (response data, stored objects). */
export function encodeStructureTlv(table: CommandTable, structureName: string, value: unknown): Uint8Array {
  return encodeStructure(table, structureName, value, (message) => {
    throw new ApduEncodingError(table.name, structureName, message);
  });
}

function encodeStructure(table: CommandTable, structureName: string, value: unknown, fail: (message: string) => never): Uint8Array {
  const structure = table.structures[structureName];
  if (structure === undefined) return fail(`unknown structure ${structureName}`);
  if (structure.children === undefined) {
    return encodeTlv(structure.tag, encodeValue(table, structure.value ?? { type: 'bytes' }, value, structure.length, structureName, fail));
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return fail(`${structureName} must be an object`);
  const record = value as StructureValue;
  const parts: Uint8Array[] = [];
  for (const child of structure.children) {
    const childValue = record[child.name];
    if (childValue === undefined) {
      if (child.required) fail(`${structureName}.${child.name} is required`);
      continue;
    }
    const items = child.repeated ? (Array.isArray(childValue) ? childValue : fail(`${structureName}.${child.name} must be a list`)) : [childValue];
    for (const item of items) {
      parts.push(
        child.structure !== undefined
          ? encodeStructure(table, child.structure, item, fail)
          : encodeTlv(child.tag, encodeValue(table, child.value ?? { type: 'bytes' }, item, child.length, `${structureName}.${child.name}`, fail)),
      );
    }
  }
  return encodeTlv(structure.tag, concatBytes(...parts));
}

// ---------------------------------------------------------------------------------------------
// Dispatching

export type DispatchResult<C = { readonly name: string; readonly fields: FieldValues }> =
  | { readonly ok: true; readonly command: C; readonly apdu: CommandApdu; readonly channel: number }
  | { readonly ok: false; readonly sw: number; readonly reason: string };

/**
 * Decodes an incoming C-APDU into a typed command, as a card would: an unknown INS answers
 * 6D00, an unknown CLA 6E00, parameters no command takes 6A86, a wrong length 6700, data that
 * does not decode 6A80. Never throws.
 */
export function dispatchCommand(table: CommandTable, bytes: Uint8Array): DispatchResult {
  const parsed = parseCommandApdu(bytes);
  if (!parsed.ok) return parsed;
  return dispatchParsedCommand(table, parsed.apdu);
}

/** As dispatchCommand, for an APDU already parsed (a card OS parses once, then routes to the applet). */
export function dispatchParsedCommand(table: CommandTable, apdu: CommandApdu): DispatchResult {
  // The order a card checks in: class, instruction, parameters, then lengths.
  if (!table.commands.some((command) => claMatches(command, apdu.cla))) return reject(IsoStatusWord.classNotSupported, `no command is sent with CLA ${hexByte(apdu.cla)}`);
  const byIns = table.commands.filter((command) => command.ins === apdu.ins);
  if (byIns.length === 0) return reject(IsoStatusWord.instructionNotSupported, `no command has INS ${hexByte(apdu.ins)}`);
  const byCla = byIns.filter((command) => claMatches(command, apdu.cla));
  if (byCla.length === 0) return reject(IsoStatusWord.classNotSupported, `INS ${hexByte(apdu.ins)} is not sent with CLA ${hexByte(apdu.cla)}`);
  const p1p2 = (apdu.p1 << 8) | apdu.p2;
  const byParameters = byCla.filter((command) => parametersMatch(table, command, p1p2));
  if (byParameters.length === 0) return reject(IsoStatusWord.incorrectParameters, `no command takes P1-P2 ${hexByte(apdu.p1)}${hexByte(apdu.p2)} with INS ${hexByte(apdu.ins)}`);
  const byCase = byParameters.filter((command) => caseMatches(command, apdu));
  const command = byCase[0];
  if (command === undefined) return reject(IsoStatusWord.wrongLength, `ISO case ${apdu.isoCase}${apdu.extended ? ' (extended)' : ''} does not fit ${byParameters.map((candidate) => candidate.name).join(' or ')}`);
  try {
    const fields: Record<string, unknown> = {};
    for (const parameter of command.parameters) fields[parameter.name] = parameterFromBits(table, parameter, p1p2);
    if (command.data !== undefined) Object.assign(fields, decodeData(table, command.data, apdu.data));
    if (apdu.le !== undefined) fields['le'] = apdu.le;
    return { ok: true, command: { name: command.name, fields }, apdu, channel: command.logicalChannel ? apdu.cla & 0x03 : 0 };
  } catch (error) {
    if (error instanceof RejectedField) return reject(error.sw, `${command.name}: ${error.message}`);
    if (error instanceof TlvError) return reject(IsoStatusWord.wrongData, `${command.name}: ${error.message}`);
    throw error;
  }
}

function reject(sw: number, reason: string): DispatchResult {
  return { ok: false, sw, reason };
}

function claMatches(command: CommandDescriptor, cla: number): boolean {
  let ignored = 0;
  if (command.logicalChannel) ignored |= 0x03;
  if (command.secureMessaging) ignored |= 0x04;
  return (cla & ~ignored & 0xff) === (command.cla & ~ignored & 0xff);
}

/**
 * Fixed bits must match, and an enum parameter must hold one of its enum's values: that is how
 * tables tell a normative form (P2 = 80) from empirical variants on the same bits (P2 = 98, 9B).
 */
export function parametersMatch(table: CommandTable, command: CommandDescriptor, p1p2: number): boolean {
  if ((p1p2 & command.fixedMask) !== command.fixedValue) return false;
  return command.parameters.every((parameter) => parameter.type !== 'enum' || enumName(table, parameter.ref ?? '', parameterBits(parameter, p1p2)) !== undefined);
}

function parameterBits(parameter: ParameterDescriptor, p1p2: number): number {
  return (p1p2 >> (parameter.lsb - 1)) & (2 ** (parameter.msb - parameter.lsb + 1) - 1);
}

function caseMatches(command: CommandDescriptor, apdu: CommandApdu): boolean {
  if (apdu.extended && !command.extendedLength) return false;
  const hasData = apdu.data.length > 0;
  if (hasData !== (command.data !== undefined)) return false;
  if (command.le === 'none') return apdu.le === undefined;
  if (command.le === 'required') return apdu.le !== undefined;
  return true;
}

function parameterFromBits(table: CommandTable, parameter: ParameterDescriptor, p1p2: number): unknown {
  const raw = parameterBits(parameter, p1p2);
  switch (parameter.type) {
    case 'flag':
      return raw === 1;
    case 'uint':
      return raw;
    case 'enum': {
      const name = enumName(table, parameter.ref ?? '', raw);
      if (name === undefined) throw new RejectedField(IsoStatusWord.incorrectParameters, `${parameter.name} ${raw} is not a known ${parameter.ref ?? ''}`);
      return name;
    }
  }
}

function decodeData(table: CommandTable, data: DataDescriptor, bytes: Uint8Array): Record<string, unknown> {
  switch (data.kind) {
    case 'bytes':
    case 'ascii':
      return { [data.name ?? 'data']: decodeValue(table, { type: data.kind, ...(data.charset === undefined ? {} : { charset: data.charset }) }, bytes, data.length, data.name ?? 'data') };
    case 'fields':
      return decodeFields(table, data.fields ?? [], bytes);
    case 'tlv': {
      const items = decodeTlvs(bytes).map((tlv) => decodeStructureTlv(table, data.structure ?? '', tlv));
      if (data.repeated !== true && items.length !== 1) throw new RejectedField(IsoStatusWord.wrongData, `expected one ${data.structure ?? ''}, got ${items.length}`);
      return { [data.name ?? 'data']: data.repeated === true ? items : items[0] };
    }
  }
}

function decodeFields(table: CommandTable, fields: readonly FieldDescriptor[], bytes: Uint8Array): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let offset = 0;
  fields.forEach((field, index) => {
    if (offset >= bytes.length && field.optional) return;
    let length: number;
    if (field.lengthPrefixed) {
      const prefix = bytes[offset];
      if (prefix === undefined) throw new RejectedField(IsoStatusWord.wrongLength, `${field.name}: missing length byte`);
      length = prefix;
      offset += 1;
    } else if (field.length.min === field.length.max) {
      length = field.length.min;
    } else if (fields.slice(index + 1).every((rest) => rest.optional)) {
      // A variable-length field can only be read without a prefix when it is the last one present.
      length = Math.min(bytes.length - offset, field.length.max);
    } else {
      throw new RejectedField(IsoStatusWord.wrongData, `${field.name}: variable length without a prefix`);
    }
    if (offset + length > bytes.length) throw new RejectedField(IsoStatusWord.wrongLength, `${field.name}: needs ${length} bytes, ${bytes.length - offset} remain`);
    result[field.name] = decodeValue(table, field.value, bytes.subarray(offset, offset + length), field.length, field.name);
    offset += length;
  });
  if (offset !== bytes.length) throw new RejectedField(IsoStatusWord.wrongLength, `${bytes.length - offset} unexpected trailing byte(s)`);
  return result;
}

function decodeValue(table: CommandTable, descriptor: ValueDescriptor, bytes: Uint8Array, length: LengthRange | undefined, name: string): unknown {
  if (length !== undefined && (bytes.length < length.min || bytes.length > length.max)) {
    throw new RejectedField(IsoStatusWord.wrongLength, `${name} must be ${length.min === length.max ? length.min : `${length.min}–${length.max}`} bytes, got ${bytes.length}`);
  }
  switch (descriptor.type) {
    case 'bytes':
    case 'bitset':
      return bytes.slice();
    case 'ascii': {
      const text = String.fromCharCode(...bytes);
      if (!charsetAccepts(descriptor.charset, text)) throw new RejectedField(IsoStatusWord.wrongData, `${name} must be ${descriptor.charset ?? 'printable'} characters`);
      return text;
    }
    case 'uint':
      return bytes.reduce((total, byte) => total * 256 + byte, 0);
    case 'enum': {
      const value = enumName(table, descriptor.ref ?? '', bytes.reduce((total, byte) => total * 256 + byte, 0));
      if (value === undefined) throw new RejectedField(IsoStatusWord.wrongData, `${name} is not a known ${descriptor.ref ?? ''}`);
      return value;
    }
    case 'structure': {
      const tlvs = decodeTlvs(bytes);
      const first = tlvs[0];
      if (first === undefined || tlvs.length !== 1) throw new RejectedField(IsoStatusWord.wrongData, `${name} must hold one ${descriptor.ref ?? ''}`);
      return decodeStructureTlv(table, descriptor.ref ?? '', first);
    }
  }
}

/** Decodes a TLV as the named structure. Children the spec does not name are kept under `unknown`. */
export function decodeStructureTlv(table: CommandTable, structureName: string, tlv: Tlv): unknown {
  const structure = table.structures[structureName];
  if (structure === undefined) throw new RejectedField(IsoStatusWord.wrongData, `unknown structure ${structureName}`);
  if (tlv.tag !== structure.tag) throw new RejectedField(IsoStatusWord.wrongData, `${structureName} has tag ${structure.tag.toString(16).toUpperCase()}, got ${tlv.tag.toString(16).toUpperCase()} at byte ${tlv.offset}`);
  if (structure.children === undefined) return decodeValue(table, structure.value ?? { type: 'bytes' }, tlv.value, structure.length, structureName);
  const result: Record<string, unknown> = {};
  const unknown: { tag: number; value: Uint8Array }[] = [];
  for (const child of decodeTlvs(tlv.value, tlv.offset)) {
    const descriptor = structure.children.find((candidate) => candidate.tag === child.tag);
    if (descriptor === undefined) {
      unknown.push({ tag: child.tag, value: child.value.slice() });
      continue;
    }
    const value =
      descriptor.structure !== undefined
        ? decodeStructureTlv(table, descriptor.structure, child)
        : decodeValue(table, descriptor.value ?? { type: 'bytes' }, child.value, descriptor.length, `${structureName}.${descriptor.name}`);
    if (descriptor.repeated) ((result[descriptor.name] ??= []) as unknown[]).push(value);
    else if (descriptor.name in result) throw new RejectedField(IsoStatusWord.wrongData, `${structureName}.${descriptor.name} appears twice`);
    else result[descriptor.name] = value;
  }
  for (const child of structure.children) {
    if (child.required && !(child.name in result)) throw new RejectedField(IsoStatusWord.wrongData, `${structureName}.${child.name} is missing`);
  }
  if (unknown.length > 0) result['unknown'] = unknown;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Responses and status words

export interface ParsedResponse {
  readonly sw: number;
  /** The table's name for the status word, if it has one. */
  readonly status: string | undefined;
  readonly meaning: string | undefined;
  /** Raw response data. */
  readonly data: Uint8Array;
  /** Response data decoded by the command's response description, when SW is 9000. */
  readonly fields: FieldValues | undefined;
}

export function parseResponse(table: CommandTable, commandName: string, bytes: Uint8Array): ParsedResponse {
  const response = parseResponseApdu(bytes);
  if (response === undefined) throw new JpkigenError('APDU_RESPONSE_TOO_SHORT', `${table.name}.${commandName}: a response has at least SW1 SW2, got ${bytes.length} byte(s)`);
  const command = table.commands.find((candidate) => candidate.name === commandName);
  const described = describeStatusWord(table, response.sw);
  let fields: FieldValues | undefined;
  if (response.sw === IsoStatusWord.success && command?.responseData !== undefined && response.data.length > 0) {
    try {
      fields = decodeData(table, command.responseData, response.data);
    } catch (error) {
      if (!(error instanceof RejectedField || error instanceof TlvError)) throw error;
      throw new JpkigenError('APDU_RESPONSE_MALFORMED', `${table.name}.${commandName}: response data does not decode: ${error.message}`);
    }
  }
  return { sw: response.sw, status: described?.name, meaning: described?.meaning, data: response.data, fields };
}

/** The table's entry for a status word; exact patterns win over ones with `x` digits. */
export function describeStatusWord(table: CommandTable, sw: number): StatusWordDescriptor | undefined {
  let best: { entry: StatusWordDescriptor; pattern: StatusWordPattern } | undefined;
  for (const entry of table.statusWords) {
    const pattern = statusWordPattern(entry.sw);
    if (matchesStatusWord(pattern, sw) && (best === undefined || popcount(pattern.mask) > popcount(best.pattern.mask))) best = { entry, pattern };
  }
  return best?.entry;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

export function bitsetNames(table: CommandTable, bitsetName: string, bytes: Uint8Array): string[] {
  const bitset = table.bitsets[bitsetName];
  if (bitset === undefined) return [];
  return Object.entries(bitset.bits)
    .filter(([, position]) => ((bytes[position.byte - 1] ?? 0) >> (position.bit - 1)) & 1)
    .map(([name]) => name);
}

export function bitsetBytes(table: CommandTable, bitsetName: string, names: readonly string[]): Uint8Array {
  const bitset = table.bitsets[bitsetName];
  if (bitset === undefined) throw new JpkigenError('APDU_ENCODING', `${table.name}: no bitset ${bitsetName}`);
  const bytes = new Uint8Array(bitset.size);
  for (const name of names) {
    const position = bitset.bits[name];
    if (position === undefined) throw new JpkigenError('APDU_ENCODING', `${table.name}.${bitsetName}: no bit named ${name}`);
    bytes[position.byte - 1] = (bytes[position.byte - 1] ?? 0) | (1 << (position.bit - 1));
  }
  return bytes;
}

function enumName(table: CommandTable, enumName: string, value: number): string | undefined {
  const values = table.enums[enumName]?.values ?? {};
  return Object.keys(values).find((name) => values[name] === value);
}

function charsetAccepts(charset: ValueDescriptor['charset'], text: string): boolean {
  switch (charset) {
    case 'digits':
      return /^[0-9]*$/.test(text);
    case 'alphanumeric':
      return /^[0-9A-Za-z]*$/.test(text);
    default:
      return /^[\x20-\x7e]*$/.test(text);
  }
}

function uintBytes(value: number, width: number): Uint8Array {
  const bytes = new Uint8Array(width);
  let rest = value;
  for (let index = width - 1; index >= 0; index -= 1) {
    bytes[index] = rest & 0xff;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

function minimalWidth(value: number): number {
  let width = 1;
  while (value >= 256 ** width) width += 1;
  return width;
}

function popcount(value: number): number {
  let count = 0;
  for (let rest = value; rest !== 0; rest >>>= 1) count += rest & 1;
  return count;
}

function hexByte(value: number): string {
  return value.toString(16).padStart(2, '0').toUpperCase();
}
