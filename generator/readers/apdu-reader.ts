/**
 * Reads APDU command tables (spec/apdu/*.yaml) into IR: the descriptor table the runtime
 * interprets, and the types generated code declares. Checks what the meta-schema cannot: header
 * patterns and their fields, references to enums, bitsets, structures and status words, and
 * commands the dispatcher could not tell apart.
 */
import { compareText } from '../compare-text.js';
import type { ApduTableIR, ApduTablesIR, NamedTypeIR, PropertyIR, Provenance, TypeIR } from '../ir.js';
import { parametersMatch, type CommandDescriptor, type CommandTable } from '../../runtime/apdu/command-table.js';
import { SpecError } from '../spec-error.js';
import { pointerFromSegments, type YamlSource } from '../yaml-source.js';

type Length = number | { min: number; max: number };
interface ValueSpec {
  type: 'bytes' | 'uint' | 'ascii' | 'enum' | 'bitset' | 'structure';
  ref?: string;
  charset?: string;
}
interface FieldSpec {
  name: string;
  description?: string;
  length: Length;
  lengthPrefixed?: boolean;
  optional?: boolean;
  value: ValueSpec;
}
interface DataSpec {
  kind: 'bytes' | 'ascii' | 'fields' | 'tlv';
  name?: string;
  description?: string;
  length?: Length;
  charset?: string;
  fields?: FieldSpec[];
  structure?: string;
  repeated?: boolean;
}
interface ParameterFieldSpec {
  name: string;
  description?: string;
  bits: [number, number];
  type?: 'uint' | 'flag' | 'enum';
  ref?: string;
}
interface CommandSpec {
  name: string;
  description: string;
  'x-provenance': Provenance;
  empirical?: boolean;
  cla: string;
  logicalChannel?: boolean;
  secureMessaging?: boolean;
  ins: string;
  parameters: { pattern: string; fields?: ParameterFieldSpec[] };
  data?: DataSpec;
  le?: { optional?: boolean };
  extendedLength?: boolean;
  response?: { data?: DataSpec; statusWords?: string[] };
}
interface StructureChildSpec {
  tag: string;
  name: string;
  description?: string;
  structure?: string;
  length?: Length;
  value?: ValueSpec;
  required?: boolean;
  repeated?: boolean;
}
interface StructureSpec {
  name: string;
  tag: string;
  description: string;
  length?: Length;
  value?: ValueSpec;
  children?: StructureChildSpec[];
  'x-provenance'?: Provenance;
}
interface ApduTableSpec {
  title: string;
  description: string;
  'x-provenance': Provenance;
  applications?: { name: string; aid: string; description: string }[];
  tokenProfiles?: { name: string; label?: string; description: string }[];
  files?: Record<string, unknown>[];
  enums?: { name: string; description: string; size: number; values: { name: string; value: string; description?: string }[]; 'x-provenance'?: Provenance }[];
  bitsets?: { name: string; description: string; size: number; bits: { name: string; byte: number; bit: number; description?: string }[]; 'x-provenance'?: Provenance }[];
  structures?: StructureSpec[];
  statusWords: { sw: string; name: string; meaning: string }[];
  commands: CommandSpec[];
  examples: { description: string; apdu: string; command: string; fields?: Record<string, unknown> }[];
  'x-invalid-examples'?: { description: string; apdu: string; sw: string }[];
}

const BYTES: TypeIR = { kind: 'reference', name: 'Uint8Array' };

export function readApduTables(sources: readonly YamlSource[]): ApduTablesIR {
  const seen = new Map<string, string>();
  const tables = sources.map((source) => {
    const spec = source.value as ApduTableSpec;
    const first = seen.get(spec.title);
    if (first !== undefined) throw new SpecError('SPEC_DUPLICATE_NAME', source.locate('/title'), `a unique table name, but '${spec.title}' is already defined in ${first}`, '/title');
    seen.set(spec.title, source.file);
    return readApduTable(source, spec);
  });
  return { tables: tables.sort((a, b) => compareText(a.name, b.name)) };
}

function readApduTable(source: YamlSource, spec: ApduTableSpec): ApduTableIR {
  const fail = (segments: readonly (string | number)[], expected: string): never => {
    const pointer = pointerFromSegments(segments);
    throw new SpecError('SPEC_INVALID', source.locate(pointer), expected, pointer);
  };
  const enumNames = new Set((spec.enums ?? []).map((item) => item.name));
  const bitsetNames = new Set((spec.bitsets ?? []).map((item) => item.name));
  const structureNames = new Set((spec.structures ?? []).map((item) => item.name));
  const statusWords = new Set(spec.statusWords.map((item) => item.sw));
  const commandNames = new Set<string>();

  const checkValue = (value: ValueSpec | undefined, at: (string | number)[]) => {
    if (value?.ref === undefined) return;
    const known = value.type === 'enum' ? enumNames : value.type === 'bitset' ? bitsetNames : structureNames;
    if (!known.has(value.ref)) fail([...at, 'ref'], `a ${value.type} declared in this table, but '${value.ref}' is not one`);
  };
  const checkData = (data: DataSpec | undefined, at: (string | number)[]) => {
    if (data === undefined) return;
    if ((data.kind === 'fields') !== (data.fields !== undefined)) fail([...at, 'kind'], 'fields exactly when kind is fields');
    if (data.kind === 'tlv' && (data.structure === undefined || !structureNames.has(data.structure))) fail([...at, 'structure'], `a structure declared in this table for kind tlv`);
    data.fields?.forEach((field, index) => checkValue(field.value, [...at, 'fields', index, 'value']));
  };

  spec.structures?.forEach((structure, index) => {
    checkValue(structure.value, ['structures', index, 'value']);
    structure.children?.forEach((child, childIndex) => {
      if (child.structure !== undefined && !structureNames.has(child.structure)) fail(['structures', index, 'children', childIndex, 'structure'], `a structure declared in this table, but '${child.structure}' is not one`);
      checkValue(child.value, ['structures', index, 'children', childIndex, 'value']);
    });
  });

  const commands = spec.commands.map((command, index) => {
    const at = (...rest: (string | number)[]) => ['commands', index, ...rest];
    if (commandNames.has(command.name)) fail(at('name'), `a unique command name, but '${command.name}' is declared twice`);
    commandNames.add(command.name);
    const { fixedMask, fixedValue, freeMask } = readPattern(command.parameters.pattern);
    let covered = 0;
    const parameters = (command.parameters.fields ?? []).map((field, fieldIndex) => {
      const [msb, lsb] = field.bits;
      if (msb < lsb) fail(at('parameters', 'fields', fieldIndex, 'bits'), '[most significant, least significant] with the first not below the second');
      const mask = ((2 ** (msb - lsb + 1) - 1) << (lsb - 1)) & 0xffff;
      if ((mask & freeMask) !== mask) fail(at('parameters', 'fields', fieldIndex, 'bits'), `bits ${msb}–${lsb} among the pattern's free (.) bits`);
      if ((mask & covered) !== 0) fail(at('parameters', 'fields', fieldIndex, 'bits'), `bits no other field of ${command.name} uses`);
      covered |= mask;
      const type = field.type ?? 'uint';
      if (type === 'enum') checkValue({ type: 'enum', ...(field.ref === undefined ? {} : { ref: field.ref }) }, at('parameters', 'fields', fieldIndex));
      return { name: field.name, msb, lsb, type, ...(field.ref === undefined ? {} : { ref: field.ref }) };
    });
    checkData(command.data, at('data'));
    checkData(command.response?.data, at('response', 'data'));
    (command.response?.statusWords ?? []).forEach((sw, swIndex) => {
      if (!statusWords.has(sw)) fail(at('response', 'statusWords', swIndex), `a status word declared in statusWords, but '${sw}' is not`);
    });
    return {
      spec: command,
      descriptor: {
        name: command.name,
        cla: Number.parseInt(command.cla, 16),
        logicalChannel: command.logicalChannel === true,
        secureMessaging: command.secureMessaging === true,
        ins: Number.parseInt(command.ins, 16),
        fixedMask,
        fixedValue,
        parameters,
        ...(command.data === undefined ? {} : { data: dataDescriptor(command.data) }),
        le: command.le === undefined ? 'none' : command.le.optional === true ? 'optional' : 'required',
        extendedLength: command.extendedLength === true,
        ...(command.response?.data === undefined ? {} : { responseData: dataDescriptor(command.response.data) }),
        responseStatusWords: command.response?.statusWords ?? [],
      },
    };
  });
  const enums = Object.fromEntries((spec.enums ?? []).map((item) => [item.name, { size: item.size, values: Object.fromEntries(item.values.map((value) => [value.name, Number.parseInt(value.value, 16)])) }]));
  const bitsets = Object.fromEntries((spec.bitsets ?? []).map((item) => [item.name, { size: item.size, bits: Object.fromEntries(item.bits.map((bit) => [bit.name, { byte: bit.byte, bit: bit.bit }])) }]));
  const structures = Object.fromEntries((spec.structures ?? []).map((structure) => [structure.name, structureDescriptor(structure)]));
  const statusWordList = spec.statusWords.map(({ sw, name, meaning }) => ({ sw, name, meaning }));
  const descriptors = commands.map((command) => command.descriptor as unknown as CommandDescriptor);
  assertDistinguishable({ name: spec.title, enums, bitsets, structures: structures as unknown as CommandTable['structures'], statusWords: statusWordList }, descriptors, (index, other) =>
    fail(['commands', index, 'parameters', 'pattern'], `a header or ISO case that tells ${commands[index]?.spec.name ?? ''} from ${other}, which has the same CLA and INS and accepts the same P1-P2`),
  );

  return {
    name: spec.title,
    description: spec.description,
    provenance: spec['x-provenance'],
    file: source.file,
    table: {
      name: spec.title,
      commands: commands.map((command) => command.descriptor),
      statusWords: statusWordList,
      enums,
      bitsets,
      structures,
    },
    commands: commands.map(({ spec: command, descriptor }) => ({
      name: command.name,
      description: command.description,
      provenance: command['x-provenance'],
      empirical: command.empirical === true,
      fields: commandFieldsType(command),
      responseFields: command.response?.data === undefined ? undefined : dataType(command.response.data),
      header: `${command.cla} ${command.ins} ${formatPattern(descriptor.fixedMask, descriptor.fixedValue)}`,
    })),
    structureTypes: (spec.structures ?? []).map((structure, index) => structureType(structure, source.locate(pointerFromSegments(['structures', index])))),
    enumTypes: (spec.enums ?? []).map((item, index) => ({
      name: item.name,
      description: `${item.description.trim()}\n\n${item.values.map((value) => `- \`${value.name}\` = ${value.value}${value.description === undefined ? '' : `: ${value.description}`}`).join('\n')}`,
      provenance: item['x-provenance'],
      type: { kind: 'union', members: item.values.map((value) => ({ kind: 'literal', value: value.name })) },
      location: source.locate(pointerFromSegments(['enums', index])),
    })),
    applications: spec.applications ?? [],
    tokenProfiles: (spec.tokenProfiles ?? []).map((profile) => ({ name: profile.name, label: profile.label, description: profile.description })),
    files: spec.files ?? [],
    examples: spec.examples.map((example) => ({ description: example.description, apdu: example.apdu, command: example.command, fields: example.fields })),
    invalidExamples: spec['x-invalid-examples'] ?? [],
  };
}

/** "0000 0010 0000 1100" → fixed bits; "." bits are free for fields. */
function readPattern(pattern: string): { fixedMask: number; fixedValue: number; freeMask: number } {
  const bits = pattern.replace(/ /g, '');
  let fixedMask = 0;
  let fixedValue = 0;
  for (const bit of bits) {
    fixedMask = (fixedMask << 1) | (bit === '.' ? 0 : 1);
    fixedValue = (fixedValue << 1) | (bit === '1' ? 1 : 0);
  }
  return { fixedMask, fixedValue, freeMask: ~fixedMask & 0xffff };
}

function formatPattern(fixedMask: number, fixedValue: number): string {
  let text = '';
  for (let bit = 15; bit >= 0; bit -= 1) {
    text += ((fixedMask >> bit) & 1) === 0 ? '.' : String((fixedValue >> bit) & 1);
    if (bit === 8) text += ' ';
  }
  return text;
}

interface HeaderShape {
  readonly name: string;
  readonly cla: number;
  readonly logicalChannel: boolean;
  readonly secureMessaging: boolean;
  readonly ins: number;
  readonly fixedMask: number;
  readonly fixedValue: number;
  readonly data?: unknown;
  readonly le: string;
}

/**
 * Two commands the dispatcher could confuse: same CLA and INS, an ISO case in common, and some
 * P1-P2 value both accept (fixed bits, and enum parameters holding one of their values).
 */
function assertDistinguishable(
  table: Pick<CommandTable, 'name' | 'enums' | 'bitsets' | 'structures' | 'statusWords'>,
  commands: readonly CommandDescriptor[],
  report: (index: number, other: string) => never,
): void {
  const lookup = { ...table, commands } as CommandTable;
  commands.forEach((command, index) => {
    for (const other of commands.slice(0, index)) {
      const ignored = (command.logicalChannel || other.logicalChannel ? 0x03 : 0) | (command.secureMessaging || other.secureMessaging ? 0x04 : 0);
      if ((command.cla & ~ignored) !== (other.cla & ~ignored) || command.ins !== other.ins) continue;
      if ((command.data !== undefined) !== (other.data !== undefined)) continue;
      if (command.le !== other.le && command.le !== 'optional' && other.le !== 'optional') continue;
      const common = command.fixedMask & other.fixedMask;
      if ((command.fixedValue & common) !== (other.fixedValue & common)) continue;
      for (let p1p2 = 0; p1p2 <= 0xffff; p1p2 += 1) {
        if (parametersMatch(lookup, command, p1p2) && parametersMatch(lookup, other, p1p2)) report(index, other.name);
      }
    }
  });
}

function toRange(length: Length | undefined): { min: number; max: number } | undefined {
  if (length === undefined) return undefined;
  return typeof length === 'number' ? { min: length, max: length } : length;
}

function valueDescriptor(value: ValueSpec): Record<string, unknown> {
  return { type: value.type, ...(value.ref === undefined ? {} : { ref: value.ref }), ...(value.charset === undefined ? {} : { charset: value.charset }) };
}

function dataDescriptor(data: DataSpec): Record<string, unknown> {
  const length = toRange(data.length);
  return {
    kind: data.kind,
    ...(data.name === undefined ? {} : { name: data.name }),
    ...(length === undefined ? {} : { length }),
    ...(data.charset === undefined ? {} : { charset: data.charset }),
    ...(data.fields === undefined
      ? {}
      : {
          fields: data.fields.map((field) => ({
            name: field.name,
            length: toRange(field.length),
            lengthPrefixed: field.lengthPrefixed === true,
            optional: field.optional === true,
            value: valueDescriptor(field.value),
          })),
        }),
    ...(data.structure === undefined ? {} : { structure: data.structure }),
    ...(data.repeated === undefined ? {} : { repeated: data.repeated }),
  };
}

function structureDescriptor(structure: StructureSpec): Record<string, unknown> {
  const length = toRange(structure.length);
  return {
    tag: Number.parseInt(structure.tag, 16),
    ...(length === undefined ? {} : { length }),
    ...(structure.value === undefined ? {} : { value: valueDescriptor(structure.value) }),
    ...(structure.children === undefined
      ? {}
      : {
          children: structure.children.map((child) => {
            const childLength = toRange(child.length);
            return {
              tag: Number.parseInt(child.tag, 16),
              name: child.name,
              ...(child.structure === undefined ? {} : { structure: child.structure }),
              ...(childLength === undefined ? {} : { length: childLength }),
              ...(child.value === undefined ? {} : { value: valueDescriptor(child.value) }),
              required: child.required === true,
              repeated: child.repeated === true,
            };
          }),
        }),
  };
}

function valueType(value: ValueSpec | undefined): TypeIR {
  switch (value?.type) {
    case 'uint':
      return { kind: 'primitive', name: 'number' };
    case 'ascii':
      return { kind: 'primitive', name: 'string' };
    case 'enum':
    case 'structure':
      return { kind: 'reference', name: value.ref ?? 'unknown' };
    default:
      return BYTES;
  }
}

function property(name: string, type: TypeIR, required: boolean, description?: string): PropertyIR {
  return { name, type, required, description, provenance: undefined };
}

function dataType(data: DataSpec): TypeIR {
  const properties: PropertyIR[] = [];
  switch (data.kind) {
    case 'bytes':
      properties.push(property(data.name ?? 'data', BYTES, true, data.description));
      break;
    case 'ascii':
      properties.push(property(data.name ?? 'data', { kind: 'primitive', name: 'string' }, true, data.description));
      break;
    case 'fields':
      for (const field of data.fields ?? []) properties.push(property(field.name, valueType(field.value), field.optional !== true, field.description));
      break;
    case 'tlv': {
      const structure: TypeIR = { kind: 'reference', name: data.structure ?? 'unknown' };
      properties.push(property(data.name ?? 'data', data.repeated === true ? { kind: 'array', items: structure } : structure, true, data.description));
      break;
    }
  }
  return { kind: 'object', properties, additionalProperties: false };
}

function commandFieldsType(command: CommandSpec): TypeIR {
  const properties: PropertyIR[] = (command.parameters.fields ?? []).map((field) =>
    property(
      field.name,
      field.type === 'flag' ? { kind: 'primitive', name: 'boolean' } : field.type === 'enum' ? { kind: 'reference', name: field.ref ?? 'unknown' } : { kind: 'primitive', name: 'number' },
      true,
      `${field.description ?? ''} (P1-P2 bits ${field.bits[0]}–${field.bits[1]})`.trim(),
    ),
  );
  if (command.data !== undefined) {
    const data = dataType(command.data);
    if (data.kind === 'object') properties.push(...data.properties);
  }
  if (command.le !== undefined) properties.push(property('le', { kind: 'primitive', name: 'number' }, false, 'Expected response length (1–256, or up to 65536 extended); 256 is sent as 00.'));
  return { kind: 'object', properties, additionalProperties: false };
}

function structureType(structure: StructureSpec, location: NamedTypeIR['location']): NamedTypeIR {
  const description = `${structure.description.trim()} (tag ${structure.tag})`;
  if (structure.children === undefined) return { name: structure.name, description, provenance: structure['x-provenance'], type: valueType(structure.value), location };
  const properties = structure.children.map((child) => {
    const item: TypeIR = child.structure !== undefined ? { kind: 'reference', name: child.structure } : valueType(child.value);
    return property(child.name, child.repeated === true ? { kind: 'array', items: item } : item, child.required === true, `${child.description ?? ''} (tag ${child.tag})`.trim());
  });
  properties.push(property('unknown', { kind: 'array', items: { kind: 'object', properties: [property('tag', { kind: 'primitive', name: 'number' }, true), property('value', BYTES, true)], additionalProperties: false } }, false, 'Children the spec does not name, kept so that re-encoding loses nothing.'));
  return { name: structure.name, description, provenance: structure['x-provenance'], type: { kind: 'object', properties, additionalProperties: false }, location };
}
