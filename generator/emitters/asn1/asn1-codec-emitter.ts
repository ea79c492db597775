/**
 * ASN.1 IR → TypeScript: per module a file with a type, `decodeX(der, options)` and
 * `encodeX(value, options)` for every type assignment. Decoders are straight-line code over the
 * runtime's TLV reader (one header read per element, tags compared as numbers, no generic tree);
 * encoders write canonical DER into one growing buffer.
 */
import type { ComponentIR, IRType, ModuleIR, OpenBinding, RegistryIR, SizeBounds, TypeDefIR, Asn1IR } from '../../readers/asn1/asn1-ir.js';
import { camel, moduleFileName, typeIdentifier } from './asn1-names.js';

interface TagSpec {
  readonly tag: number;
  /** Primitive string-like types BER may also send in the constructed form. */
  readonly constructedVariant: number | undefined;
}

type Tags = readonly TagSpec[] | 'any';

const UNIVERSAL: Record<string, number> = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  ObjectDescriptor: 0x07,
  enumerated: 0x0a,
  UTF8String: 0x0c,
  relativeOid: 0x0d,
  sequence: 0x30,
  set: 0x31,
  NumericString: 0x12,
  PrintableString: 0x13,
  TeletexString: 0x14,
  VideotexString: 0x15,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  GraphicString: 0x19,
  VisibleString: 0x1a,
  GeneralString: 0x1b,
  UniversalString: 0x1c,
  BMPString: 0x1e,
};

function identifier(tagClass: number, constructed: boolean, number: number): number {
  const first = (tagClass << 6) | (constructed ? 0x20 : 0);
  if (number < 31) return first | number;
  const groups: number[] = [];
  for (let rest = number; rest > 0; rest = Math.floor(rest / 128)) groups.unshift(rest % 128);
  let value = first | 0x1f;
  groups.forEach((group, index) => {
    value = value * 256 + (index < groups.length - 1 ? group | 0x80 : group);
  });
  return value;
}

/** Canonical order key of an identifier (class, then number), as X.690 §8.6 sorts SET components. */
function tagOrder(tag: number): number {
  let first = tag;
  let rest = 0;
  let scale = 1;
  while (first > 0xff) {
    rest += (first % 256) * scale;
    scale *= 256;
    first = Math.floor(first / 256);
  }
  const number = (first & 0x1f) === 0x1f ? decodeHighTagNumber(rest, scale) : first & 0x1f;
  return (first >> 6) * 0x40000000 + number;
}

function decodeHighTagNumber(octets: number, scale: number): number {
  let number = 0;
  for (let divisor = scale / 256; divisor >= 1; divisor /= 256) number = number * 128 + (Math.floor(octets / divisor) % 256 & 0x7f);
  return number;
}

function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

function bigintLiteral(value: bigint): string {
  return `${value.toString()}n`;
}

export interface Asn1EmitOptions {
  /** Module specifier of the DER runtime, relative to the generated files. */
  readonly runtimeImport: string;
  /** Folder inside the output the files go to ('' or 'asn1/'). */
  readonly folder: string;
}

export function emitAsn1Modules(ir: Asn1IR, options: Asn1EmitOptions): { path: string; content: string }[] {
  const model = new Model(ir);
  const files = ir.modules.map((module) => ({ path: `${options.folder}${moduleFileName(module.name)}.ts`, content: new ModuleWriter(model, module, options).write() }));
  files.push({ path: `${options.folder}index.ts`, content: indexFile(model, options) });
  return files;
}

/** Lookups across all modules. */
class Model {
  readonly definitions = new Map<string, TypeDefIR>();
  readonly registries = new Map<string, RegistryIR>();

  constructor(readonly ir: Asn1IR) {
    for (const module of ir.modules) {
      for (const definition of module.types) this.definitions.set(`${module.name}.${definition.name}`, definition);
      for (const registry of module.registries) this.registries.set(`${module.name}.${registry.name}`, registry);
    }
  }

  definition(module: string, name: string): TypeDefIR {
    const found = this.definitions.get(`${module}.${name}`);
    if (found === undefined) throw new Error(`internal: no type ${module}.${name}`);
    return found;
  }

  resolve(type: IRType): IRType {
    let current = type;
    for (let depth = 0; current.kind === 'ref' && depth < 64; depth += 1) current = this.definition(current.module, current.name).type;
    return current;
  }

  /** The tags an element of this type may start with. */
  tags(type: IRType, depth = 0): Tags {
    if (depth > 64) return 'any';
    switch (type.kind) {
      case 'ref':
        return this.tags(this.definition(type.module, type.name).type, depth + 1);
      case 'tagged': {
        const constructed = type.explicit || this.isConstructed(type.inner);
        const tag = identifier(type.tagClass, constructed, type.number);
        const stringLike = !type.explicit && this.isStringLike(type.inner);
        return [{ tag, constructedVariant: stringLike ? identifier(type.tagClass, true, type.number) : undefined }];
      }
      case 'choice': {
        const all: TagSpec[] = [];
        for (const alternative of type.alternatives) {
          const tags = this.tags(alternative.type, depth + 1);
          if (tags === 'any') return 'any';
          all.push(...tags);
        }
        return all;
      }
      case 'any':
        return 'any';
      case 'string':
        return [{ tag: UNIVERSAL[type.stringType] as number, constructedVariant: (UNIVERSAL[type.stringType] as number) | 0x20 }];
      case 'time':
        return [{ tag: UNIVERSAL[type.timeType] as number, constructedVariant: (UNIVERSAL[type.timeType] as number) | 0x20 }];
      case 'octetString':
      case 'bitString':
        return [{ tag: UNIVERSAL[type.kind] as number, constructedVariant: (UNIVERSAL[type.kind] as number) | 0x20 }];
      case 'sequenceOf':
        return [{ tag: 0x30, constructedVariant: undefined }];
      case 'setOf':
        return [{ tag: 0x31, constructedVariant: undefined }];
      default:
        return [{ tag: UNIVERSAL[type.kind] as number, constructedVariant: undefined }];
    }
  }

  isConstructed(type: IRType): boolean {
    const resolved = this.resolve(type);
    if (resolved.kind === 'tagged') return resolved.explicit || this.isConstructed(resolved.inner);
    return ['sequence', 'set', 'sequenceOf', 'setOf', 'choice', 'any'].includes(resolved.kind);
  }

  isStringLike(type: IRType): boolean {
    const resolved = this.resolve(type);
    if (resolved.kind === 'tagged') return !resolved.explicit && this.isStringLike(resolved.inner);
    return ['string', 'time', 'octetString', 'bitString'].includes(resolved.kind);
  }
}

function tagTest(tags: Tags, variable: string, ber: string): string {
  if (tags === 'any') return 'true';
  const parts = tags.map((spec) => (spec.constructedVariant === undefined ? `${variable} === ${hex(spec.tag)}` : `${variable} === ${hex(spec.tag)} || ${variable} === ${hex(spec.constructedVariant)}`));
  return parts.length === 1 ? (parts[0] as string) : parts.map((part) => `(${part})`).join(' || ');
}

function describeTags(tags: Tags): string {
  if (tags === 'any') return 'any element';
  return `tag ${tags.map((spec) => hex(spec.tag)).join(' or ')}`;
}

interface Siblings {
  /** Component name → local variable holding its decoded value (decoders) or the expression reading it (encoders). */
  readonly values: ReadonlyMap<string, string>;
}

const NO_SIBLINGS: Siblings = { values: new Map() };

class ModuleWriter {
  private readonly imports = new Map<string, Set<string>>();
  private readonly runtime = new Set<string>(['type DecodeContext', 'type TlvHeader', 'DerWriter']);
  private readonly acceptors = new Map<string, string>();
  private readonly helpers: string[] = [];
  private readonly body: string[] = [];

  constructor(
    private readonly model: Model,
    private readonly module: ModuleIR,
    private readonly options: Asn1EmitOptions,
  ) {}

  private use(name: string): string {
    this.runtime.add(name);
    return name.replace(/^type /u, '');
  }

  /** A symbol of another (or this) module: imported when it is another. */
  private symbol(module: string, name: string): string {
    if (module !== this.module.name) {
      const names = this.imports.get(module) ?? new Set<string>();
      names.add(name);
      this.imports.set(module, names);
    }
    return name;
  }

  private acceptor(tags: Tags): string {
    const test = tagTest(tags, 't', 'ber');
    const existing = this.acceptors.get(test);
    if (existing !== undefined) return existing;
    const name = `accepts${this.acceptors.size}`;
    this.acceptors.set(test, name);
    this.helpers.push(`const ${name} = (t: number, ber: boolean): boolean => ${test === 'true' ? 'true' : test};`);
    return name;
  }

  write(): string {
    for (const value of this.module.values) this.emitValue(value);
    for (const definition of this.module.types) this.emitDefinition(definition);
    for (const registry of this.module.registries) this.emitRegistry(registry);
    const header = [
      `// Generated by jpkigen from ${this.module.file} (ASN.1 module ${this.module.name}). Do not edit: change the module and run \`jpkigen generate\`.`,
      '/* eslint-disable */',
    ];
    const runtimeNames = [...this.runtime].sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', '')));
    const importLines = [`import { ${runtimeNames.join(', ')} } from '${this.options.runtimeImport}';`];
    for (const [module, names] of [...this.imports].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...names].sort();
      const typeOnly = sorted.filter((name) => name.startsWith('type '));
      const values = sorted.filter((name) => !name.startsWith('type '));
      const parts = [...values, ...typeOnly];
      importLines.push(`import { ${parts.join(', ')} } from './${moduleFileName(module)}.js';`);
    }
    const oid = this.module.oid === undefined ? '' : `\n/** The module's own identifier. */\nexport const moduleIdentifier = '${this.module.oid}';\n`;
    return `${[...header, ...importLines].join('\n')}\n${oid}\n${this.helpers.join('\n')}\n\n${this.body.join('\n\n')}\n`;
  }

  private emitValue(value: ModuleIR['values'][number]): void {
    const name = camel(value.name);
    switch (value.kind) {
      case 'oid':
        this.body.push(`/** ${value.name} */\nexport const ${name} = '${value.value}';`);
        break;
      case 'integer':
        this.body.push(`/** ${value.name} */\nexport const ${name} = ${value.value >= -(2n ** 53n) && value.value <= 2n ** 53n ? value.value.toString() : bigintLiteral(value.value)};`);
        break;
      case 'boolean':
        this.body.push(`/** ${value.name} */\nexport const ${name} = ${String(value.value)};`);
        break;
      case 'string':
        this.body.push(`/** ${value.name} */\nexport const ${name} = ${JSON.stringify(value.value)};`);
        break;
    }
  }

  /** The TypeScript type of a value of `type`. */
  private tsType(type: IRType): string {
    switch (type.kind) {
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'oid':
      case 'relativeOid':
        return 'string';
      case 'integer':
        return type.small ? 'number' : 'bigint';
      case 'enumerated':
        return `${type.items.map(([name]) => JSON.stringify(name)).join(' | ')}${type.extensible ? ' | number' : ''}`;
      case 'bitString':
        return this.use('type BitString');
      case 'octetString':
        if (type.containing !== undefined && 'registry' in type.containing) return `${this.use('type OpenValue')}<${this.registryValueType(type.containing)}>`;
        return 'Uint8Array';
      case 'string':
        return 'string';
      case 'time':
        return 'Date';
      case 'sequenceOf':
      case 'setOf': {
        const element = this.tsType(type.element);
        return /[|&]/u.test(element) ? `(${element})[]` : `${element}[]`;
      }
      case 'any':
        return `${this.use('type OpenValue')}${type.binding === undefined ? '' : `<${this.registryValueType(type.binding)}>`}`;
      case 'tagged':
        return this.tsType(type.inner);
      case 'ref':
        return this.refType(type.module, type.name);
      case 'sequence':
      case 'set':
      case 'choice':
        throw new Error('internal: constructed types are hoisted before emission');
    }
  }

  private refType(module: string, name: string): string {
    const identifierName = typeIdentifier(name);
    if (module !== this.module.name) this.symbol(module, `type ${identifierName}`);
    return identifierName;
  }

  private registryValueType(binding: OpenBinding): string {
    const name = `${typeIdentifier(binding.registry)}Value`;
    if (binding.registryModule !== this.module.name) this.symbol(binding.registryModule, `type ${name}`);
    return name;
  }

  private registryConst(binding: OpenBinding): string {
    return this.symbol(binding.registryModule, `${typeIdentifier(binding.registry)}Registry`);
  }

  private readFunction(module: string, name: string): string {
    return this.symbol(module, `read${typeIdentifier(name)}`);
  }

  private writeFunction(module: string, name: string): string {
    return this.symbol(module, `write${typeIdentifier(name)}`);
  }

  /** Expression decoding the element `header` (its tag already checked) as `type`. */
  private decodeExpression(type: IRType, header: string, siblings: Siblings): string {
    switch (type.kind) {
      case 'boolean':
        return `${this.use('decodeBoolean')}(c, ${header})`;
      case 'null':
        return `${this.use('decodeNull')}(c, ${header})`;
      case 'oid':
        return `${this.use('decodeObjectIdentifier')}(c, ${header})`;
      case 'relativeOid':
        return `${this.use('decodeRelativeOid')}(c, ${header})`;
      case 'integer': {
        const decoder = type.small ? this.use('decodeSmallInteger') : this.use('decodeBigInteger');
        if (type.range !== undefined && (type.range.min !== undefined || type.range.max !== undefined)) {
          return `${this.rangeHelper(type.range, type.small)}(${header}, ${decoder}(c, ${header}))`;
        }
        return `${decoder}(c, ${header})`;
      }
      case 'bitString': {
        const value = `${this.use('decodeBitString')}(c, ${header})`;
        return type.named.length > 0 ? `${this.namedBitsHelper()}(c, ${header}, ${value})` : value;
      }
      case 'octetString': {
        const octets = `${this.use('decodeOctetString')}(c, ${header})`;
        const sized = type.size === undefined ? octets : `${this.sizeHelper(type.size)}(${header}, ${octets})`;
        if (type.containing !== undefined && 'registry' in type.containing) {
          const id = siblings.values.get(type.containing.idComponent) ?? 'undefined';
          return `${this.use('readContainingOctets')}<${this.registryValueType(type.containing)}>(c, ${header}, ${sized}, ${this.registryConst(type.containing)}, ${id})`;
        }
        return sized;
      }
      case 'string': {
        const decoder = {
          UTF8String: 'decodeUtf8String',
          PrintableString: 'decodePrintableString',
          IA5String: 'decodeIa5String',
          VisibleString: 'decodeVisibleString',
          NumericString: 'decodeNumericString',
          TeletexString: 'decodeOctetCharacterString',
          VideotexString: 'decodeOctetCharacterString',
          GraphicString: 'decodeOctetCharacterString',
          GeneralString: 'decodeOctetCharacterString',
          ObjectDescriptor: 'decodeOctetCharacterString',
          UniversalString: 'decodeUniversalString',
          BMPString: 'decodeBmpString',
        }[type.stringType];
        const value = `${this.use(decoder)}(c, ${header})`;
        return type.size === undefined ? value : `${this.sizeHelper(type.size)}(${header}, ${value})`;
      }
      case 'time':
        return `${this.use(type.timeType === 'UTCTime' ? 'decodeUtcTime' : 'decodeGeneralizedTime')}(c, ${header})`;
      case 'sequenceOf':
      case 'setOf': {
        const elementTags = this.model.tags(type.element);
        const reader = type.kind === 'sequenceOf' ? this.use('readSequenceOf') : this.use('readSetOf');
        const value = `${reader}(c, ${header}, ${this.acceptor(elementTags)}, ${JSON.stringify(describeTags(elementTags))}, ${this.elementReader(type.element, siblings)})`;
        return type.size === undefined ? value : `${this.sizeHelper(type.size)}(${header}, ${value})`;
      }
      case 'any':
        if (type.binding === undefined) return `${this.use('readOpenElement')}(c, ${header}, undefined, undefined)`;
        return `${this.use('readOpenElement')}<${this.registryValueType(type.binding)}>(c, ${header}, ${this.registryConst(type.binding)}, ${siblings.values.get(type.binding.idComponent) ?? 'undefined'})`;
      case 'tagged': {
        if (!type.explicit) return this.decodeExpression(type.inner, header, siblings);
        const innerTags = this.model.tags(type.inner);
        const read = type.inner.kind === 'ref' ? this.readFunction(type.inner.module, type.inner.name) : `(c, y) => ${this.decodeExpression(type.inner, 'y', siblings)}`;
        return `${this.explicitHelper()}(c, ${header}, ${this.acceptor(innerTags)}, ${JSON.stringify(describeTags(innerTags))}, ${read})`;
      }
      case 'ref':
        return `${this.readFunction(type.module, type.name)}(c, ${header})`;
      default:
        throw new Error(`internal: cannot decode ${type.kind} inline`);
    }
  }

  private elementReader(type: IRType, siblings: Siblings = NO_SIBLINGS): string {
    if (type.kind === 'ref') return this.readFunction(type.module, type.name);
    return `(c: DecodeContext, e: TlvHeader) => ${this.decodeExpression(type, 'e', siblings)}`;
  }

  private readonly helperNames = new Set<string>();

  private helperOnce(name: string, code: string): string {
    if (!this.helperNames.has(name)) {
      this.helperNames.add(name);
      this.helpers.push(code);
    }
    return name;
  }

  private explicitHelper(): string {
    const explicitInner = this.use('explicitInner');
    const missing = this.use('missing');
    this.use('elementStart');
    return this.helperOnce(
      'explicit',
      `function explicit<T>(c: DecodeContext, h: TlvHeader, accepts: (t: number, ber: boolean) => boolean, expected: string, read: (c: DecodeContext, y: TlvHeader) => T): T {\n  const y = ${explicitInner}(c, h);\n  if (!accepts(y.tag, c.ber)) ${missing}(y, elementStart(y), expected);\n  return read(c, y);\n}`,
    );
  }

  private namedBitsHelper(): string {
    const check = this.use('checkNamedBitString');
    this.use('type BitString');
    return this.helperOnce('namedBits', `function namedBits(c: DecodeContext, h: TlvHeader, value: BitString): BitString {\n  ${check}(c, h, value);\n  return value;\n}`);
  }

  private sizeHelper(size: SizeBounds): string {
    const min = size.min === undefined ? 0 : Number(size.min);
    const max = size.max === undefined ? 'Infinity' : String(Number(size.max));
    const name = `size${min}To${max === 'Infinity' ? 'Max' : max}`;
    const check = this.use('checkSize');
    return this.helperOnce(
      name,
      `function ${name}<T extends { readonly length: number }>(h: TlvHeader, value: T): T {\n  ${check}(h, typeof value === 'string' ? [...value].length : value.length, ${min}, ${max});\n  return value;\n}`,
    );
  }

  private rangeHelper(range: SizeBounds, small: boolean): string {
    const min = range.min === undefined ? undefined : range.min;
    const max = range.max === undefined ? undefined : range.max;
    const name = `range${min === undefined ? 'Min' : min.toString().replace('-', 'Minus')}To${max === undefined ? 'Max' : max.toString().replace('-', 'Minus')}`;
    const literal = (value: bigint) => (small ? value.toString() : bigintLiteral(value));
    const checks = [min === undefined ? undefined : `value < ${literal(min)}`, max === undefined ? undefined : `value > ${literal(max)}`].filter((check) => check !== undefined).join(' || ');
    const decodeError = this.use('DecodeError');
    return this.helperOnce(
      name,
      `function ${name}(h: TlvHeader, value: ${small ? 'number' : 'bigint'}): ${small ? 'number' : 'bigint'} {\n  if (${checks}) throw new ${decodeError}('DER_CONSTRAINT', h.contentStart, '', \`a value in (${min === undefined ? 'MIN' : min}..${max === undefined ? 'MAX' : max}), found \${value}\`);\n  return value;\n}`,
    );
  }

  /** Statements writing `value` as `type`, with `tag` replacing the outer tag (implicit tagging) when given. */
  private encodeStatements(type: IRType, value: string, path: string, tag: string | undefined, siblings: Siblings): string {
    const universal = (kind: string) => tag ?? hex(UNIVERSAL[kind] as number);
    switch (type.kind) {
      case 'boolean':
        return `w.writeBoolean(${universal('boolean')}, ${value});`;
      case 'null':
        return `w.writeNull(${universal('null')});`;
      case 'oid':
        return `w.writeObjectIdentifier(${universal('oid')}, ${value}, ${path});`;
      case 'relativeOid':
        return `w.writeRelativeOid(${universal('relativeOid')}, ${value}, ${path});`;
      case 'integer':
        return `w.writeInteger(${universal('integer')}, ${value}, ${path});`;
      case 'bitString':
        return `w.writeBitString(${universal('bitString')}, ${value}, ${path}, ${type.named.length > 0});`;
      case 'octetString':
        if (type.containing !== undefined && 'registry' in type.containing) {
          return `${this.use('writeContainingOctets')}(w, ${universal('octetString')}, ${value}, ${this.registryConst(type.containing)}, ${siblings.values.get(type.containing.idComponent) ?? 'undefined'}, ${path});`;
        }
        return `w.writeOctetString(${universal('octetString')}, ${value});`;
      case 'string': {
        const t = universal(type.stringType);
        switch (type.stringType) {
          case 'UTF8String':
            return `w.writeUtf8String(${t}, ${value});`;
          case 'BMPString':
            return `w.writeBmpString(${t}, ${value});`;
          case 'UniversalString':
            return `w.writeUniversalString(${t}, ${value});`;
          case 'PrintableString':
            return `w.writeRestrictedString(${t}, ${value}, ${path}, ${this.use('isPrintable')}, 'a PrintableString character');`;
          case 'IA5String':
            return `w.writeRestrictedString(${t}, ${value}, ${path}, ${this.use('isIa5')}, 'an IA5String character');`;
          case 'VisibleString':
            return `w.writeRestrictedString(${t}, ${value}, ${path}, ${this.use('isVisible')}, 'a VisibleString character');`;
          case 'NumericString':
            return `w.writeRestrictedString(${t}, ${value}, ${path}, ${this.use('isNumeric')}, 'a NumericString character');`;
          default:
            return `w.writeRestrictedString(${t}, ${value}, ${path}, ${this.use('isOctet')}, 'a character of one octet');`;
        }
      }
      case 'time':
        return `w.${type.timeType === 'UTCTime' ? 'writeUtcTime' : 'writeGeneralizedTime'}(${universal(type.timeType)}, ${value}, ${path});`;
      case 'sequenceOf':
      case 'setOf': {
        const writer = type.kind === 'sequenceOf' ? this.use('writeSequenceOf') : this.use('writeSetOf');
        const element = type.element.kind === 'ref' ? this.writeFunction(type.element.module, type.element.name) : `(w: DerWriter, e: ${this.tsType(type.element)}, p: string) => { ${this.encodeStatements(type.element, 'e', 'p', undefined, siblings)} }`;
        return `${writer}(w, ${tag ?? hex(type.kind === 'sequenceOf' ? 0x30 : 0x31)}, ${value}, ${path}, ${element});`;
      }
      case 'any':
        return `${this.use('writeOpenElement')}(w, ${value}, ${type.binding === undefined ? 'undefined' : this.registryConst(type.binding)}, ${type.binding === undefined ? 'undefined' : (siblings.values.get(type.binding.idComponent) ?? 'undefined')}, ${path});`;
      case 'tagged': {
        const constructed = type.explicit || this.model.isConstructed(type.inner);
        const ownTag = tag ?? hex(identifier(type.tagClass, constructed, type.number));
        if (!type.explicit) return this.encodeStatements(type.inner, value, path, ownTag, siblings);
        return `{ const m = w.open(${ownTag}); ${this.encodeStatements(type.inner, value, path, undefined, siblings)} w.close(m); }`;
      }
      case 'ref':
        return `${this.writeFunction(type.module, type.name)}(w, ${value}, ${path}${tag === undefined ? '' : `, ${tag}`});`;
      default:
        throw new Error(`internal: cannot encode ${type.kind} inline`);
    }
  }

  private emitDefinition(definition: TypeDefIR): void {
    const name = typeIdentifier(definition.name);
    const type = definition.type;
    const tags = this.model.tags(type);
    const doc = `/** ASN.1 ${this.module.name}.${definition.name}${definition.hoisted ? ' (hoisted from an enclosing type)' : ''}. */`;
    const decodeOptions = this.use('type DecodeOptions');
    const encodeOptions = this.use('type EncodeOptions');
    const publicFunctions = `/** Decodes DER (strict unless \`options.ber\`); throws DecodeError with the byte offset and the path. */
export function decode${name}(der: Uint8Array, options?: ${decodeOptions}): ${name} {
  return ${this.use('decodeRoot')}(der, options, ${JSON.stringify(definition.name)}, ${this.acceptor(tags)}, ${JSON.stringify(describeTags(tags))}, read${name});
}

/** Encodes canonical DER; kept exact bytes of signed parts and open values are written verbatim unless \`options.useKeptDer\` is false. */
export function encode${name}(value: ${name}, options?: ${encodeOptions}): Uint8Array {
  return ${this.use('encodeRoot')}(value, options, ${JSON.stringify(definition.name)}, write${name});
}`;
    switch (type.kind) {
      case 'sequence':
        this.body.push(doc, this.sequenceInterface(name, type.components, type.extensible, definition.keepDer), this.sequenceReader(definition, type.components, type.extensible), this.sequenceWriter(definition, type.components, type.extensible, 0x30), publicFunctions);
        return;
      case 'set':
        this.body.push(doc, this.sequenceInterface(name, type.components, type.extensible, definition.keepDer), this.setReader(definition, type.components, type.extensible), this.sequenceWriter(definition, type.components, type.extensible, 0x31), publicFunctions);
        return;
      case 'choice':
        this.body.push(doc, this.choiceType(name, type.alternatives, type.extensible), this.choiceReader(definition, type.alternatives, type.extensible), this.choiceWriter(definition, type.alternatives, type.extensible), publicFunctions);
        return;
      case 'enumerated': {
        this.body.push(`${doc}\nexport type ${name} = ${this.tsType(type)};`);
        const cases = type.items.map(([item, value]) => `    case ${value}:\n      return ${JSON.stringify(item)};`).join('\n');
        const known = type.items.map(([item, value]) => `${item}(${value})`).join(', ');
        this.body.push(`export function read${name}(c: DecodeContext, h: TlvHeader): ${name} {
  const value = ${this.use('decodeEnumerated')}(c, h);
  switch (value) {
${cases}
    default:
      ${type.extensible ? 'return value;' : `return ${this.use('unknownEnumerated')}(h, value, ${JSON.stringify(known)});`}
  }
}`);
        const writeCases = type.items.map(([item, value]) => `${JSON.stringify(item)}: ${value}`).join(', ');
        this.body.push(`const ${camel(name)}Values: Readonly<Record<string, number>> = { ${writeCases} };

export function write${name}(w: DerWriter, value: ${name}, path: string, tag = ${hex(0x0a)}): void {
  const number = typeof value === 'number' ? value : ${camel(name)}Values[value];
  if (number === undefined) throw new ${this.use('EncodeError')}(path, ${JSON.stringify(`one of ${known}`)});
  w.writeInteger(tag, number, path);
}`);
        this.body.push(publicFunctions);
        return;
      }
      default: {
        const tsType = this.tsType(type);
        const extras: string[] = [];
        if (type.kind === 'integer' && type.named.length > 0) {
          extras.push(`/** Named numbers of ${definition.name}. */\nexport const ${name}Numbers = { ${type.named.map(([item, value]) => `${JSON.stringify(item)}: ${value.toString()}`).join(', ')} } as const;`);
        }
        if (type.kind === 'bitString' && type.named.length > 0) {
          extras.push(`/** Named bits of ${definition.name}. */\nexport const ${name}Bits = { ${type.named.map(([item, value]) => `${JSON.stringify(item)}: ${value}`).join(', ')} } as const;`);
        }
        const outerTag = this.defaultOuterTag(type);
        this.body.push(
          `${doc}\nexport type ${name} = ${tsType};`,
          ...extras,
          `export function read${name}(c: DecodeContext, h: TlvHeader): ${name} {\n  return ${this.decodeExpression(type, 'h', NO_SIBLINGS)};\n}`,
          `export function write${name}(w: DerWriter, value: ${name}, path: string${outerTag === undefined ? '' : ', tag?: number'}): void {\n  ${this.encodeStatements(type, 'value', 'path', outerTag === undefined ? undefined : `tag ?? ${outerTag}`, NO_SIBLINGS)}\n}`,
          publicFunctions,
        );
      }
    }
  }

  /** The outer tag a non-constructed definition writes by default, when it can be retagged (not CHOICE or ANY). */
  private defaultOuterTag(type: IRType): string | undefined {
    const tags = this.model.tags(type);
    if (tags === 'any' || tags.length !== 1) return undefined;
    const resolved = this.model.resolve(type);
    if (resolved.kind === 'choice' || resolved.kind === 'any') return undefined;
    return hex((tags[0] as TagSpec).tag);
  }

  private propertyType(component: ComponentIR): string {
    const type = this.tsType(component.type);
    if (!component.lazy) return type;
    const resolved = this.model.resolve(component.type);
    const element = resolved.kind === 'sequenceOf' ? this.tsType(resolved.element) : 'unknown';
    return `${type} | ${this.use('type LazySequenceOf')}<${element}>`;
  }

  private sequenceInterface(name: string, components: readonly ComponentIR[], extensible: boolean, keepDer: boolean): string {
    const lines = components.map((component) => {
      const note = component.defaultValue === undefined ? '' : ` /** DEFAULT ${describeDefault(component)}: absent when equal to it. */`;
      return `${note}\n  ${camel(component.name)}${component.optional ? '?' : ''}: ${this.propertyType(component)};`;
    });
    for (const component of components.filter((entry) => entry.keepDer)) {
      lines.push(`\n  /** The exact DER ${component.name} was decoded from, tag included (what a signature covers); written verbatim by the encoder. */\n  ${keptComponentProperty(component)}?: Uint8Array;`);
    }
    if (keepDer) lines.push('\n  /** The exact DER this value was decoded from (what a signature covers); written verbatim by the encoder. */\n  $der?: Uint8Array;');
    if (extensible) lines.push('\n  /** Unknown extension additions, kept as their exact DER. */\n  $extensions?: Uint8Array[];');
    return `export interface ${name} {${lines.join('')}\n}`;
  }

  private sequenceReader(definition: TypeDefIR, components: readonly ComponentIR[], extensible: boolean): string {
    const name = typeIdentifier(definition.name);
    const variables = new Map(components.map((component, index) => [component.name, `f${index}`]));
    const siblings: Siblings = { values: variables };
    const statements: string[] = [];
    const missing = this.use('missing');
    const peek = this.use('peekHeader');
    components.forEach((component, index) => {
      const variable = `f${index}`;
      const tags = this.model.tags(component.type);
      const test = tagTest(tags, 'x.tag', 'c.ber');
      const decode = component.lazy ? this.lazyExpression(definition, component) : this.decodeExpression(component.type, 'x', siblings);
      const keep = component.keepDer ? `k${index} = ${this.use('elementBytes')}(c, x);\n    ` : '';
      const advance = `${keep}p = x.elementEnd;\n    x = ${peek}(c, p, e);`;
      if (component.keepDer) statements.push(`let k${index}: Uint8Array | undefined;`);
      statements.push(`at = ${JSON.stringify(component.name)};`);
      if (component.optional) {
        const defaultCheck =
          component.defaultValue === undefined || component.defaultValue.kind === 'opaque' ? '' : `\n      if (${this.use('equalsDefault')}(${variable}, ${defaultLiteral(component)})) ${this.use('defaultEncoded')}(c, x, ${JSON.stringify(component.name)});`;
        statements.push(`let ${variable}: ${this.propertyType(component)} | undefined;\n    if (x !== undefined && (${test})) {\n      ${variable} = ${decode};${defaultCheck}\n      ${advance}\n    }`);
      } else {
        statements.push(`if (x === undefined || !(${test})) ${missing}(x, p, ${JSON.stringify(`${component.name} (${describeTags(tags)})`)});\n    const ${variable} = ${decode};\n    ${advance}`);
      }
    });
    let extensionsVariable = '';
    if (extensible) {
      extensionsVariable = 'extensions';
      statements.push(`at = '...';\n    let extensions: Uint8Array[] | undefined;\n    while (x !== undefined) {\n      (extensions ??= []).push(${this.use('elementBytes')}(c, x));\n      p = x.elementEnd;\n      x = ${peek}(c, p, e);\n    }`);
    }
    const required = components.filter((component) => !component.optional).map((component) => `${camel(component.name)}: ${variables.get(component.name) as string}`);
    const assignOptional = components
      .filter((component) => component.optional)
      .map((component) => `if (${variables.get(component.name) as string} !== undefined) value.${camel(component.name)} = ${variables.get(component.name) as string};`);
    components.forEach((component, index) => {
      if (component.keepDer) assignOptional.push(`if (k${index} !== undefined) value.${keptComponentProperty(component)} = k${index};`);
    });
    if (definition.keepDer) assignOptional.push(`value.$der = ${this.use('elementBytes')}(c, h);`);
    if (extensionsVariable !== '') assignOptional.push('if (extensions !== undefined) value.$extensions = extensions;');
    return `export function read${name}(c: DecodeContext, h: TlvHeader): ${name} {
  ${this.use('enter')}(c, h);
  const e = h.end;
  let p = h.contentStart;
  let x = ${peek}(c, p, e);
  let at = '';
  try {
    ${statements.join('\n    ')}
    at = '';
    ${this.use('leave')}(c, h, p, x);
    const value: ${name} = { ${required.join(', ')} };
    ${assignOptional.join('\n    ')}
    return value;
  } catch (error) {
    return ${this.use('rethrowWithPath')}(error, at, p);
  }
}`;
  }

  private lazyExpression(definition: TypeDefIR, component: ComponentIR): string {
    const resolved = this.model.resolve(component.type);
    if (resolved.kind !== 'sequenceOf') return this.decodeExpression(component.type, 'x', NO_SIBLINGS);
    const key = `${definition.name}.${component.name}`;
    const elementTags = this.model.tags(resolved.element);
    const elementTag = elementTags !== 'any' && elementTags.length === 1 && (elementTags[0] as TagSpec).constructedVariant === undefined ? hex((elementTags[0] as TagSpec).tag) : 'undefined';
    return `c.lazy.has(${JSON.stringify(key)}) ? ${this.use('lazySequenceOf')}(c, x, ${elementTag}, ${JSON.stringify(component.name)}, ${this.elementReader(resolved.element)}) : ${this.decodeExpression(component.type, 'x', NO_SIBLINGS)}`;
  }

  private setReader(definition: TypeDefIR, components: readonly ComponentIR[], extensible: boolean): string {
    const name = typeIdentifier(definition.name);
    const variables = new Map(components.map((component, index) => [component.name, `f${index}`]));
    const siblings: Siblings = { values: variables };
    const declarations = components.map((component, index) => `let f${index}: ${this.propertyType(component)} | undefined;`);
    const branches = components.map((component, index) => {
      const test = tagTest(this.model.tags(component.type), 'x.tag', 'c.ber');
      return `if (${test}) {\n        at = ${JSON.stringify(component.name)};\n        if (f${index} !== undefined) throw new ${this.use('DecodeError')}('DER_UNEXPECTED_TAG', p, '', 'each SET component once');\n        f${index} = ${this.decodeExpression(component.type, 'x', siblings)};\n      }`;
    });
    const otherwise = extensible
      ? `{\n        (extensions ??= []).push(${this.use('elementBytes')}(c, x));\n      }`
      : `{\n        ${this.use('missing')}(x, p, 'a component of ${definition.name}');\n      }`;
    const checks = components
      .filter((component) => !component.optional)
      .map((component) => `if (${variables.get(component.name) as string} === undefined) ${this.use('missing')}(undefined, p, ${JSON.stringify(component.name)});`);
    const required = components.filter((component) => !component.optional).map((component) => `${camel(component.name)}: ${variables.get(component.name) as string}`);
    const assignOptional = components
      .filter((component) => component.optional)
      .map((component) => `if (${variables.get(component.name) as string} !== undefined) value.${camel(component.name)} = ${variables.get(component.name) as string};`);
    if (definition.keepDer) assignOptional.push(`value.$der = ${this.use('elementBytes')}(c, h);`);
    if (extensible) assignOptional.push('if (extensions !== undefined) value.$extensions = extensions;');
    return `export function read${name}(c: DecodeContext, h: TlvHeader): ${name} {
  ${this.use('enter')}(c, h);
  const e = h.end;
  let p = h.contentStart;
  let x = ${this.use('peekHeader')}(c, p, e);
  let at = '';
  let previousTag = -1;
  ${extensible ? 'let extensions: Uint8Array[] | undefined;' : ''}
  try {
    ${declarations.join('\n    ')}
    while (x !== undefined) {
      // DER orders SET components by tag class, then number (X.690 §10.3, §8.6); the constructed bit does not count.
      at = '';
      const order = x.tagClass * 0x40000000 + x.tagNumber;
      if (!c.ber && order < previousTag) throw new ${this.use('DecodeError')}('DER_SET_ORDER', p, '', 'SET components in ascending tag order (X.690 §10.3)');
      previousTag = order;
      ${branches.join(' else ')} else ${otherwise}
      p = x.elementEnd;
      x = ${this.use('peekHeader')}(c, p, e);
    }
    at = '';
    ${checks.join('\n    ')}
    ${this.use('leave')}(c, h, p, x);
    const value: ${name} = { ${required.map((entry) => `${entry} as NonNullable<typeof ${entry.split(': ')[1]}>`).join(', ')} };
    ${assignOptional.join('\n    ')}
    return value;
  } catch (error) {
    return ${this.use('rethrowWithPath')}(error, at, p);
  }
}`;
  }

  private sequenceWriter(definition: TypeDefIR, components: readonly ComponentIR[], extensible: boolean, universalTag: number): string {
    const name = typeIdentifier(definition.name);
    const siblings: Siblings = { values: new Map(components.map((component) => [component.name, `value.${camel(component.name)}`])) };
    const order = universalTag === 0x31 ? this.setEncodingOrder(components) : components;
    const statements = order.map((component) => {
      const property = `value.${camel(component.name)}`;
      const path = `\`\${path}.${component.name}\``;
      const encoded = this.encodeStatements(component.type, property, path, undefined, siblings);
      const kept = `value.${keptComponentProperty(component)}`;
      const write = component.keepDer ? `if (${kept} !== undefined && w.useKeptDer) w.writeRaw(${kept}); else { ${encoded} }` : encoded;
      if (component.defaultValue !== undefined && component.defaultValue.kind !== 'opaque') return `if (${property} !== undefined && !${this.use('equalsDefault')}(${property}, ${defaultLiteral(component)})) { ${write} }`;
      if (component.optional) return `if (${property} !== undefined) { ${write} }`;
      return `${this.use('requireComponent')}(${property}, ${path});\n  ${write}`;
    });
    if (extensible) statements.push('if (value.$extensions !== undefined) for (const extension of value.$extensions) w.writeRaw(extension);');
    const kept = definition.keepDer ? `  if (value.$der !== undefined && w.useKeptDer && tag === ${hex(universalTag)}) {\n    w.writeRaw(value.$der);\n    return;\n  }\n` : '';
    return `export function write${name}(w: DerWriter, value: ${name}, path: string, tag = ${hex(universalTag)}): void {
  if (typeof value !== 'object' || value === null) throw new ${this.use('EncodeError')}(path, 'an object');
${kept}  const m = w.open(tag);
  ${statements.join('\n  ')}
  w.close(m);
}`;
  }

  /** DER writes SET components in ascending tag order (X.690 §10.3); untagged CHOICEs sort by their smallest tag. */
  private setEncodingOrder(components: readonly ComponentIR[]): ComponentIR[] {
    const first = (component: ComponentIR) => {
      const tags = this.model.tags(component.type);
      return tags === 'any' ? Number.MAX_SAFE_INTEGER : Math.min(...tags.map((spec) => tagOrder(spec.tag)));
    };
    return [...components].sort((a, b) => first(a) - first(b));
  }

  private choiceType(name: string, alternatives: readonly ComponentIR[], extensible: boolean): string {
    const variants = alternatives.map((alternative) => `{ type: ${JSON.stringify(camel(alternative.name))}; value: ${this.tsType(alternative.type)} }`);
    if (extensible) variants.push("{ type: '$unknown'; value: Uint8Array }");
    return `export type ${name} =\n  | ${variants.join('\n  | ')};`;
  }

  private choiceReader(definition: TypeDefIR, alternatives: readonly ComponentIR[], extensible: boolean): string {
    const name = typeIdentifier(definition.name);
    const branches = alternatives.map((alternative) => {
      const test = tagTest(this.model.tags(alternative.type), 't', 'c.ber');
      return `if (${test}) {\n      at = ${JSON.stringify(alternative.name)};\n      return { type: ${JSON.stringify(camel(alternative.name))}, value: ${this.decodeExpression(alternative.type, 'h', NO_SIBLINGS)} };\n    }`;
    });
    const tags = this.model.tags({ kind: 'choice', alternatives, extensible });
    const fallback = extensible
      ? `return { type: '$unknown', value: ${this.use('elementBytes')}(c, h) };`
      : `return ${this.use('missing')}(h, ${this.use('elementStart')}(h), ${JSON.stringify(`an alternative of ${definition.name} (${describeTags(tags)})`)});`;
    return `export function read${name}(c: DecodeContext, h: TlvHeader): ${name} {
  const t = h.tag;
  let at = '';
  try {
    ${branches.join('\n    ')}
    ${fallback}
  } catch (error) {
    return ${this.use('rethrowWithPath')}(error, at, h.contentStart);
  }
}`;
  }

  private choiceWriter(definition: TypeDefIR, alternatives: readonly ComponentIR[], extensible: boolean): string {
    const name = typeIdentifier(definition.name);
    const cases = alternatives.map((alternative) => {
      const path = `\`\${path}.${alternative.name}\``;
      return `    case ${JSON.stringify(camel(alternative.name))}:\n      ${this.encodeStatements(alternative.type, 'value.value', path, undefined, NO_SIBLINGS)}\n      return;`;
    });
    if (extensible) cases.push("    case '$unknown':\n      w.writeRaw(value.value);\n      return;");
    return `export function write${name}(w: DerWriter, value: ${name}, path: string): void {
  switch (value?.type) {
${cases.join('\n')}
    default:
      throw new ${this.use('EncodeError')}(path, ${JSON.stringify(`one of the alternatives ${alternatives.map((alternative) => camel(alternative.name)).join(', ')}`)});
  }
}`;
  }

  private emitRegistry(registry: RegistryIR): void {
    const name = typeIdentifier(registry.name);
    const valueTypes = new Set<string>();
    const entries = registry.entries.map((entry, index) => {
      if (entry.type === undefined) return `  [${JSON.stringify(entry.id)}, {}],${entry.idName === undefined ? '' : ` // ${entry.idName}`}`;
      valueTypes.add(this.tsType(entry.type));
      const tags = this.model.tags(entry.type);
      let read: string;
      let write: string;
      if (entry.type.kind === 'ref') {
        read = this.readFunction(entry.type.module, entry.type.name);
        write = this.writeFunction(entry.type.module, entry.type.name);
      } else {
        read = `read${name}Entry${index}`;
        write = `write${name}Entry${index}`;
        this.body.push(
          `function ${read}(c: DecodeContext, h: TlvHeader): ${this.tsType(entry.type)} {\n  return ${this.decodeExpression(entry.type, 'h', NO_SIBLINGS)};\n}`,
          `function ${write}(w: DerWriter, value: ${this.tsType(entry.type)}, path: string): void {\n  ${this.encodeStatements(entry.type, 'value', 'path', undefined, NO_SIBLINGS)}\n}`,
        );
      }
      return `  [${JSON.stringify(entry.id)}, { accepts: ${this.acceptor(tags)}, read: ${read}, write: ${write} as (w: DerWriter, value: never, path: string) => void }],${entry.idName === undefined ? '' : ` // ${entry.idName}`}`;
    });
    const registryType = this.use('type OpenTypeRegistry');
    const entryType = this.use('type OpenTypeEntry');
    this.body.push(
      `/** Values the object set ${registry.name} can carry. */\nexport type ${name}Value = ${valueTypes.size === 0 ? 'never' : [...valueTypes].join(' | ')};`,
      `/** Object set ${registry.name}: identifier → the type of the value it selects. */\nexport const ${name}Registry: ${registryType} = new Map<string, ${entryType}>([\n${entries.join('\n')}\n]);`,
    );
  }
}

/** `$signedAttrsDer`: `$` cannot start an ASN.1 identifier, so it never collides with a component. */
function keptComponentProperty(component: ComponentIR): string {
  return `$${camel(component.name)}Der`;
}

function describeDefault(component: ComponentIR): string {
  const value = component.defaultValue;
  if (value === undefined) return '';
  switch (value.kind) {
    case 'bits':
      return `{ ${value.bits.join(', ')} }`;
    case 'integer':
      return value.value.toString();
    case 'opaque':
      return value.text;
    default:
      return String(value.value);
  }
}

function defaultLiteral(component: ComponentIR): string {
  const value = component.defaultValue;
  if (value === undefined) return 'undefined';
  switch (value.kind) {
    case 'boolean':
      return String(value.value);
    case 'integer':
      return bigintLiteral(value.value);
    case 'enumerated':
    case 'string':
    case 'oid':
      return JSON.stringify(value.value);
    case 'opaque':
      return 'undefined';
    case 'bits': {
      const length = value.bits.length === 0 ? 0 : Math.floor(Math.max(...value.bits) / 8) + 1;
      const bytes = new Array<number>(length).fill(0);
      for (const bit of value.bits) bytes[Math.floor(bit / 8)] = (bytes[Math.floor(bit / 8)] as number) | (0x80 >> bit % 8);
      return `{ bytes: Uint8Array.of(${bytes.join(', ')}), unusedBits: 0 }`;
    }
  }
}

function indexFile(model: Model, options: Asn1EmitOptions): string {
  const lines = ['// Generated by jpkigen from the ASN.1 modules. Do not edit: change the modules and run `jpkigen generate`.'];
  const owners = new Map<string, string[]>();
  const exported = (module: ModuleIR): string[] => {
    const names: string[] = [];
    if (module.oid !== undefined) names.push('moduleIdentifier');
    for (const value of module.values) names.push(camel(value.name));
    for (const definition of module.types) {
      const name = typeIdentifier(definition.name);
      names.push(`type ${name}`, `decode${name}`, `encode${name}`, `read${name}`, `write${name}`);
      const type = definition.type;
      if (type.kind === 'integer' && type.named.length > 0) names.push(`${name}Numbers`);
      if (type.kind === 'bitString' && type.named.length > 0) names.push(`${name}Bits`);
    }
    for (const registry of module.registries) names.push(`type ${typeIdentifier(registry.name)}Value`, `${typeIdentifier(registry.name)}Registry`);
    return names;
  };
  for (const module of model.ir.modules) {
    for (const name of exported(module)) {
      const key = name.replace(/^type /u, '');
      owners.set(key, [...(owners.get(key) ?? []), module.name]);
    }
  }
  const catalog: string[] = [];
  for (const module of model.ir.modules) {
    const file = `./${moduleFileName(module.name)}.js`;
    const namespace = typeIdentifier(module.name).replace(/[^A-Za-z0-9_]/gu, '_');
    lines.push(`export * as ${namespace} from '${file}';`);
    const unique = exported(module).filter((name) => (owners.get(name.replace(/^type /u, '')) ?? []).length === 1 && name !== 'moduleIdentifier');
    if (unique.length > 0) lines.push(`export { ${unique.join(', ')} } from '${file}';`);
    lines.push(`import * as ${namespace}Module from '${file}';`);
    for (const definition of module.types) {
      const name = typeIdentifier(definition.name);
      catalog.push(`  ${JSON.stringify(`${module.name}.${definition.name}`)}: { decode: ${namespace}Module.decode${name}, encode: ${namespace}Module.encode${name} as (value: never, options?: EncodeOptions) => Uint8Array },`);
    }
  }
  lines.push(`import type { DecodeOptions, EncodeOptions } from '${options.runtimeImport}';`);
  lines.push(`
/** Every type by its qualified ASN.1 name (\`Module.Type\`), for tools that pick the type at run time. */
export const asn1Types: Readonly<Record<string, { readonly decode: (der: Uint8Array, options?: DecodeOptions) => unknown; readonly encode: (value: never, options?: EncodeOptions) => Uint8Array }>> = {
${catalog.join('\n')}
};`);
  return `${lines.join('\n')}\n`;
}
