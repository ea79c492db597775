/**
 * Turns parsed modules into IR: resolves imports, value references (OIDs, integers), tags
 * (module defaults, AUTOMATIC tagging, the X.680 §31.2.7 rule that tags on CHOICE and open types
 * are explicit), COMPONENTS OF, hoists anonymous types, and resolves information objects, object
 * sets and open-type bindings into OID registries.
 */
import { SpecError, type SourceLocation } from '../../spec-error.js';
import type { AssignmentNode, ClassFieldNode, ComponentNode, ConstraintNode, ModuleNode, SizeRange, SyntaxItem, Token2, TypeNode, ValueNode } from './asn1-ast.js';
import type { Asn1IR, ComponentIR, DefaultValue, IRType, ModuleIR, OpenBinding, RegistryEntryIR, RegistryIR, SizeBounds, StringTypeName, TestVectorIR, TypeDefIR, ValueIR } from './asn1-ir.js';
import { parseTypeAt, parseValueAt } from './asn1-parser.js';

interface Scope {
  readonly node: ModuleNode;
  readonly file: string;
  readonly assignments: Map<string, AssignmentNode>;
  readonly imports: Map<string, { module: string; location: SourceLocation }>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface PendingTag {
  node: Mutable<Extract<IRType, { kind: 'tagged' }>>;
  mode: 'EXPLICIT' | 'IMPLICIT' | undefined;
  tagDefault: 'EXPLICIT' | 'IMPLICIT' | 'AUTOMATIC';
}

interface PendingDefault {
  component: Mutable<ComponentIR>;
  value: ValueNode;
  scope: Scope;
}

const WELL_KNOWN_ROOTS: Record<string, number> = { 'itu-t': 0, ccitt: 0, iso: 1, 'joint-iso-itu-t': 2, 'joint-iso-ccitt': 2 };
const WELL_KNOWN_UNDER_ISO: Record<string, number> = { standard: 0, 'member-body': 2, 'identified-organization': 3 };

const STRING_TYPE_NAMES: Record<string, StringTypeName> = {
  UTF8String: 'UTF8String',
  PrintableString: 'PrintableString',
  IA5String: 'IA5String',
  VisibleString: 'VisibleString',
  ISO646String: 'VisibleString',
  NumericString: 'NumericString',
  TeletexString: 'TeletexString',
  T61String: 'TeletexString',
  VideotexString: 'VideotexString',
  GraphicString: 'GraphicString',
  GeneralString: 'GeneralString',
  UniversalString: 'UniversalString',
  BMPString: 'BMPString',
  ObjectDescriptor: 'ObjectDescriptor',
};

/** Types ASN.1:1988 modules define for themselves (RFC 5280 A.1); the built-in types take their place. */
const BUILTIN_REDEFINITIONS = new Set(['UniversalString', 'BMPString', 'UTF8String']);

/** TYPE-IDENTIFIER (X.681 Annex A), predefined in every module. */
const TYPE_IDENTIFIER: AssignmentNode = {
  kind: 'class',
  name: 'TYPE-IDENTIFIER',
  fields: [
    { name: '&id', type: { kind: 'builtin', name: 'OBJECT IDENTIFIER', location: { file: '<builtin>', line: 1, column: 1 }, constraints: [] }, unique: true, optional: false, location: { file: '<builtin>', line: 1, column: 1 } },
    { name: '&Type', type: undefined, unique: false, optional: false, location: { file: '<builtin>', line: 1, column: 1 } },
  ],
  syntax: [{ kind: 'field', name: '&Type' }, { kind: 'literal', text: 'IDENTIFIED' }, { kind: 'literal', text: 'BY' }, { kind: 'field', name: '&id' }],
  location: { file: '<builtin>', line: 1, column: 1 },
};

export function resolveModules(parsed: readonly { readonly file: string; readonly modules: readonly ModuleNode[] }[]): Asn1IR {
  return new Resolver(parsed).run();
}

class Resolver {
  private readonly scopes = new Map<string, Scope>();
  private readonly types = new Map<string, Map<string, Mutable<TypeDefIR>>>();
  private readonly values = new Map<string, ValueIR[]>();
  private readonly registries = new Map<string, RegistryIR[]>();
  private readonly pendingTags: PendingTag[] = [];
  private readonly pendingDefaults: PendingDefault[] = [];
  private readonly oidCache = new Map<string, string>();
  private readonly integerCache = new Map<string, bigint>();
  private readonly resolving = new Set<string>();

  constructor(parsed: readonly { readonly file: string; readonly modules: readonly ModuleNode[] }[]) {
    for (const { file, modules } of parsed) {
      for (const node of modules) {
        if (this.scopes.has(node.name)) throw new SpecError('SPEC_DUPLICATE_NAME', node.location, `a module name not used before: ${node.name} is defined twice`);
        const assignments = new Map<string, AssignmentNode>();
        for (const assignment of node.assignments) {
          if (assignments.has(assignment.name)) throw new SpecError('SPEC_DUPLICATE_NAME', assignment.location, `a name not assigned before in ${node.name}: ${assignment.name}`);
          assignments.set(assignment.name, assignment);
        }
        const imports = new Map<string, { module: string; location: SourceLocation }>();
        for (const entry of node.imports) for (const symbol of entry.symbols) imports.set(symbol.name, { module: entry.module, location: symbol.location });
        this.scopes.set(node.name, { node, file, assignments, imports });
      }
    }
  }

  run(): Asn1IR {
    for (const scope of this.scopes.values()) this.checkImports(scope);
    for (const scope of this.scopes.values()) {
      this.types.set(scope.node.name, new Map());
      this.values.set(scope.node.name, []);
      this.registries.set(scope.node.name, []);
    }
    for (const scope of this.scopes.values()) {
      for (const assignment of scope.node.assignments) {
        if (assignment.kind === 'type') {
          if (BUILTIN_REDEFINITIONS.has(assignment.name)) continue;
          this.defineType(scope, assignment.name, assignment.type, false, assignment.location);
        } else if (assignment.kind === 'value') {
          const value = this.resolveValueAssignment(scope, assignment);
          if (value !== undefined) (this.values.get(scope.node.name) as ValueIR[]).push(value);
        } else if (assignment.kind === 'objectSet') {
          (this.registries.get(scope.node.name) as RegistryIR[]).push(this.resolveObjectSet(scope, assignment));
        }
      }
    }
    for (const pending of this.pendingTags) pending.node.explicit = this.isExplicitTag(pending);
    for (const pending of this.pendingDefaults) pending.component.defaultValue = this.resolveDefault(pending);
    const tests: Map<string, TestVectorIR[]> = new Map();
    for (const scope of this.scopes.values()) this.applyDirectives(scope, tests);
    const modules: ModuleIR[] = [...this.scopes.values()].map((scope) => ({
      name: scope.node.name,
      file: scope.file,
      oid: scope.node.oid === undefined ? undefined : this.tryOid(scope, scope.node.oid),
      types: [...(this.types.get(scope.node.name) as Map<string, TypeDefIR>).values()],
      values: this.values.get(scope.node.name) as ValueIR[],
      registries: this.registries.get(scope.node.name) as RegistryIR[],
      tests: tests.get(scope.node.name) ?? [],
    }));
    return { modules };
  }

  private checkImports(scope: Scope): void {
    for (const entry of scope.node.imports) {
      const target = this.scopes.get(entry.module);
      if (target === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', entry.location, `a module named ${entry.module} among the modules given (it is imported here)`);
      for (const symbol of entry.symbols) {
        if (BUILTIN_REDEFINITIONS.has(symbol.name)) continue;
        if (this.lookup(target, symbol.name, 0) === undefined) {
          throw new SpecError('SPEC_REF_UNRESOLVED', symbol.location, `${symbol.name} to be defined in ${entry.module}`);
        }
      }
    }
  }

  /** Finds a name in a module or through its imports. */
  private lookup(scope: Scope, name: string, depth: number): { scope: Scope; assignment: AssignmentNode } | undefined {
    const local = scope.assignments.get(name);
    if (local !== undefined) return { scope, assignment: local };
    if (name === 'TYPE-IDENTIFIER') return { scope, assignment: TYPE_IDENTIFIER };
    const imported = scope.imports.get(name);
    if (imported === undefined || depth > 8) return undefined;
    const target = this.scopes.get(imported.module);
    return target === undefined ? undefined : this.lookup(target, name, depth + 1);
  }

  private lookupOrFail(scope: Scope, name: string, location: SourceLocation, what: string, module?: string): { scope: Scope; assignment: AssignmentNode } {
    const from = module === undefined ? scope : this.scopes.get(module);
    const found = from === undefined ? undefined : this.lookup(from, name, 0);
    if (found === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', location, `${what} named ${name} defined in ${module ?? scope.node.name} or imported into it`);
    return found;
  }

  private defineType(scope: Scope, name: string, node: TypeNode, hoisted: boolean, location: SourceLocation): string {
    const moduleTypes = this.types.get(scope.node.name) as Map<string, Mutable<TypeDefIR>>;
    let unique = name;
    for (let suffix = 2; moduleTypes.has(unique) || (hoisted && scope.assignments.has(unique)); suffix += 1) unique = `${name}${suffix}`;
    const definition: Mutable<TypeDefIR> = { name: unique, type: { kind: 'null' }, keepDer: false, hoisted, location };
    moduleTypes.set(unique, definition);
    definition.type = this.convert(scope, node, unique, true);
    return unique;
  }

  /** Converts a type node; nested SEQUENCE, SET, CHOICE and ENUMERATED types become named types called `hoistName`. */
  private convert(scope: Scope, node: TypeNode, hoistName: string, topLevel: boolean): IRType {
    const size = this.sizeOf(scope, node.constraints);
    switch (node.kind) {
      case 'builtin':
        return this.convertBuiltin(scope, node, size);
      case 'integer': {
        const named = node.namedNumbers.map((entry) => [entry.name, this.integer(scope, entry.value)] as const);
        const range = this.rangeOf(scope, node.constraints);
        const fits = (value: bigint | undefined) => value !== undefined && value >= -(2n ** 47n) && value <= 2n ** 47n;
        return { kind: 'integer', named, small: named.length > 0 || (range !== undefined && fits(range.min) && fits(range.max)), range };
      }
      case 'enumerated': {
        if (!topLevel) return this.hoist(scope, node, hoistName);
        const used = new Set<number>();
        for (const item of node.items) if (item.value !== undefined) used.add(Number(this.integer(scope, item.value)));
        let next = 0;
        const items = node.items.map((item) => {
          if (item.value !== undefined) return [item.name, Number(this.integer(scope, item.value))] as const;
          while (used.has(next)) next += 1;
          used.add(next);
          return [item.name, next] as const;
        });
        return { kind: 'enumerated', items, extensible: node.extensible || scope.node.extensibilityImplied };
      }
      case 'bitString':
        return { kind: 'bitString', named: node.namedBits.map((entry) => [entry.name, Number(this.integer(scope, entry.value))] as const), size };
      case 'sequence':
      case 'set': {
        if (!topLevel) return this.hoist(scope, node, hoistName);
        const nodes = this.expandComponentsOf(scope, node.components, node.componentsOf);
        const components = this.convertComponents(scope, nodes, hoistName, node.kind === 'set' ? 'SET' : 'SEQUENCE');
        return { kind: node.kind, components, extensible: node.extensible || scope.node.extensibilityImplied };
      }
      case 'choice': {
        if (!topLevel) return this.hoist(scope, node, hoistName);
        const alternatives = this.convertComponents(scope, node.alternatives, hoistName, 'CHOICE');
        return { kind: 'choice', alternatives, extensible: node.extensible || scope.node.extensibilityImplied };
      }
      case 'sequenceOf':
      case 'setOf':
        return { kind: node.kind, element: this.convert(scope, node.element, `${hoistName}Item`, false), size };
      case 'any':
        return { kind: 'any', binding: undefined };
      case 'tagged': {
        const tagged: Mutable<Extract<IRType, { kind: 'tagged' }>> = {
          kind: 'tagged',
          tagClass: ({ UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const)[node.tagClass],
          number: Number(this.integer(scope, node.number)),
          explicit: true,
          inner: this.convert(scope, node.inner, topLevel ? `${hoistName}Content` : hoistName, false),
        };
        if (tagged.number < 0 || tagged.number > 0x1fffff) throw new SpecError('SPEC_INVALID', node.location, 'a tag number from 0 to 2097151');
        this.pendingTags.push({ node: tagged, mode: node.mode, tagDefault: scope.node.tagDefault });
        return tagged;
      }
      case 'reference': {
        if (STRING_TYPE_NAMES[node.name] !== undefined && node.module === undefined) return { kind: 'string', stringType: STRING_TYPE_NAMES[node.name] as StringTypeName, size };
        const found = this.lookupOrFail(scope, node.name, node.location, 'a type', node.module);
        if (found.assignment.kind !== 'type') throw new SpecError('SPEC_INVALID', node.location, `a type, but ${node.name} is a ${found.assignment.kind}`);
        return { kind: 'ref', module: found.scope.node.name, name: node.name };
      }
      case 'classField':
        return this.convertClassField(scope, node, hoistName);
    }
  }

  private convertBuiltin(scope: Scope, node: Extract<TypeNode, { kind: 'builtin' }>, size: SizeBounds | undefined): IRType {
    switch (node.name) {
      case 'BOOLEAN':
        return { kind: 'boolean' };
      case 'NULL':
        return { kind: 'null' };
      case 'OBJECT IDENTIFIER':
        return { kind: 'oid' };
      case 'RELATIVE-OID':
        return { kind: 'relativeOid' };
      case 'OCTET STRING': {
        const containing = node.constraints.find((constraint) => constraint.containing !== undefined)?.containing;
        return { kind: 'octetString', size, containing: containing === undefined ? undefined : this.containingOf(scope, containing) };
      }
      case 'UTCTime':
      case 'GeneralizedTime':
        return { kind: 'time', timeType: node.name };
      default: {
        const stringType = STRING_TYPE_NAMES[node.name];
        if (stringType === undefined) throw new SpecError('SPEC_UNSUPPORTED', node.location, `a supported built-in type, found ${node.name}`);
        return { kind: 'string', stringType, size };
      }
    }
  }

  private containingOf(scope: Scope, node: TypeNode): OpenBinding | IRType {
    if (node.kind === 'classField') {
      const converted = this.convertClassField(scope, node, 'Contained');
      if (converted.kind === 'any' && converted.binding !== undefined) return converted.binding;
      return converted;
    }
    return this.convert(scope, node, 'Contained', false);
  }

  private convertClassField(scope: Scope, node: Extract<TypeNode, { kind: 'classField' }>, hoistName: string): IRType {
    const found = this.lookupOrFail(scope, node.className, node.location, 'an information object class');
    if (found.assignment.kind !== 'class') throw new SpecError('SPEC_INVALID', node.location, `an information object class, but ${node.className} is a ${found.assignment.kind}`);
    const field = found.assignment.fields.find((candidate) => candidate.name === node.field);
    if (field === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', node.location, `a field ${node.field} of class ${node.className}`);
    if (field.type !== undefined) return this.convert(found.scope, field.type, hoistName, false);
    const table = node.constraints.find((constraint) => constraint.table !== undefined)?.table;
    if (table === undefined || table.atComponent === undefined) return { kind: 'any', binding: undefined };
    const set = this.lookupOrFail(scope, table.set, table.location, 'an object set');
    if (set.assignment.kind !== 'objectSet') throw new SpecError('SPEC_INVALID', table.location, `an object set, but ${table.set} is a ${set.assignment.kind}`);
    return { kind: 'any', binding: { registryModule: set.scope.node.name, registry: table.set, idComponent: table.atComponent } };
  }

  private hoist(scope: Scope, node: TypeNode, name: string): IRType {
    const defined = this.defineType(scope, name, node, true, node.location);
    return { kind: 'ref', module: scope.node.name, name: defined };
  }

  private expandComponentsOf(scope: Scope, components: readonly ComponentNode[], componentsOf: readonly { type: TypeNode; index: number }[]): ComponentNode[] {
    if (componentsOf.length === 0) return [...components];
    const result: ComponentNode[] = [];
    let consumed = 0;
    for (const entry of componentsOf) {
      result.push(...components.slice(consumed, entry.index));
      consumed = entry.index;
      let target: { scope: Scope; type: TypeNode } = { scope, type: entry.type };
      for (let depth = 0; target.type.kind === 'reference' && depth < 16; depth += 1) {
        const found = this.lookupOrFail(target.scope, target.type.name, target.type.location, 'a type', target.type.module);
        if (found.assignment.kind !== 'type') break;
        target = { scope: found.scope, type: found.assignment.type };
      }
      if (target.type.kind !== 'sequence' && target.type.kind !== 'set') throw new SpecError('SPEC_INVALID', entry.type.location, 'a SEQUENCE or SET type after COMPONENTS OF');
      result.push(...target.type.components.filter((component) => !component.extension));
    }
    result.push(...components.slice(consumed));
    return result;
  }

  private convertComponents(scope: Scope, nodes: readonly ComponentNode[], parentName: string, what: string): ComponentIR[] {
    const seen = new Set<string>();
    const automatic = scope.node.tagDefault === 'AUTOMATIC' && !nodes.some((component) => component.type.kind === 'tagged');
    return nodes.map((node, index) => {
      if (seen.has(node.name)) throw new SpecError('SPEC_DUPLICATE_NAME', node.location, `a component name not used before in this ${what}: ${node.name}`);
      seen.add(node.name);
      let type = this.convert(scope, node.type, `${parentName}${pascal(node.name)}`, false);
      if (automatic) {
        const tagged: Mutable<Extract<IRType, { kind: 'tagged' }>> = { kind: 'tagged', tagClass: 2, number: index, explicit: false, inner: type };
        this.pendingTags.push({ node: tagged, mode: undefined, tagDefault: 'AUTOMATIC' });
        type = tagged;
      }
      const component: Mutable<ComponentIR> = { name: node.name, type, optional: node.optional || node.defaultValue !== undefined, defaultValue: undefined, extension: node.extension, lazy: false, keepDer: false, location: node.location };
      if (node.defaultValue !== undefined) this.pendingDefaults.push({ component, value: node.defaultValue, scope });
      return component;
    });
  }

  private sizeOf(scope: Scope, constraints: readonly ConstraintNode[]): SizeBounds | undefined {
    const size = constraints.find((constraint) => constraint.size !== undefined)?.size;
    return size === undefined ? undefined : this.bounds(scope, size);
  }

  private rangeOf(scope: Scope, constraints: readonly ConstraintNode[]): SizeBounds | undefined {
    const range = constraints.find((constraint) => constraint.range !== undefined)?.range;
    return range === undefined ? undefined : this.bounds(scope, range);
  }

  private bounds(scope: Scope, range: SizeRange): SizeBounds {
    const bound = (value: SizeRange['min']) => (value === undefined || value === 'MIN' || value === 'MAX' ? undefined : this.tryInteger(scope, value));
    return { min: bound(range.min), max: bound(range.max) };
  }

  private tryInteger(scope: Scope, value: ValueNode): bigint | undefined {
    try {
      return this.integer(scope, value);
    } catch {
      return undefined;
    }
  }

  private integer(scope: Scope, value: ValueNode): bigint {
    if (value.kind === 'number') return value.value;
    if (value.kind !== 'reference') throw new SpecError('SPEC_INVALID', value.location, 'an integer value');
    const key = `${scope.node.name}.${value.name}`;
    const cached = this.integerCache.get(key);
    if (cached !== undefined) return cached;
    const found = this.lookupOrFail(scope, value.name, value.location, 'an integer value', value.module);
    if (found.assignment.kind !== 'value') throw new SpecError('SPEC_INVALID', value.location, `an integer value, but ${value.name} is a ${found.assignment.kind}`);
    if (this.resolving.has(key)) throw new SpecError('SPEC_REF_CYCLE', value.location, `a value that does not refer to itself (${value.name})`);
    this.resolving.add(key);
    const result = this.integer(found.scope, found.assignment.value);
    this.resolving.delete(key);
    this.integerCache.set(key, result);
    return result;
  }

  private tryOid(scope: Scope, value: ValueNode): string | undefined {
    try {
      return this.oid(scope, value);
    } catch {
      return undefined;
    }
  }

  /** OBJECT IDENTIFIER values: `{ id-pkix 1 }`, `{ iso(1) member-body(2) 840 }`, or a reference. */
  private oid(scope: Scope, value: ValueNode): string {
    if (value.kind === 'reference') {
      const key = `${scope.node.name}.${value.name}`;
      const cached = this.oidCache.get(key);
      if (cached !== undefined) return cached;
      const found = this.lookupOrFail(scope, value.name, value.location, 'an OBJECT IDENTIFIER value', value.module);
      if (found.assignment.kind !== 'value') throw new SpecError('SPEC_INVALID', value.location, `an OBJECT IDENTIFIER value, but ${value.name} is a ${found.assignment.kind}`);
      if (this.resolving.has(key)) throw new SpecError('SPEC_REF_CYCLE', value.location, `a value that does not refer to itself (${value.name})`);
      this.resolving.add(key);
      const result = this.oid(found.scope, found.assignment.value);
      this.resolving.delete(key);
      this.oidCache.set(key, result);
      return result;
    }
    if (value.kind !== 'braced') throw new SpecError('SPEC_INVALID', value.location, 'an OBJECT IDENTIFIER value in braces');
    const arcs: string[] = [];
    value.items.forEach((item, index) => {
      if (item.kind === 'number') arcs.push(item.value.toString());
      else if (item.kind === 'nameAndNumber') arcs.push(this.integer(scope, item.value).toString());
      else if (item.kind === 'name') {
        if (index === 0 && WELL_KNOWN_ROOTS[item.name] !== undefined) arcs.push(String(WELL_KNOWN_ROOTS[item.name]));
        else if (index === 1 && arcs[0] === '1' && WELL_KNOWN_UNDER_ISO[item.name] !== undefined) arcs.push(String(WELL_KNOWN_UNDER_ISO[item.name]));
        else if (index === 0) arcs.push(this.oid(scope, { kind: 'reference', module: item.name.includes('.') ? item.name.split('.')[0] : undefined, name: item.name.split('.').pop() as string, location: item.location }));
        else throw new SpecError('SPEC_INVALID', item.location, `a number or name(number) for this arc, found ${item.name}`);
      } else throw new SpecError('SPEC_INVALID', item.location, 'an OBJECT IDENTIFIER component');
    });
    const text = arcs.join('.');
    if (!/^[0-2](\.\d+)+$/u.test(text)) throw new SpecError('SPEC_INVALID', value.location, `an OBJECT IDENTIFIER of at least two arcs starting 0, 1 or 2, found ${text}`);
    return text;
  }

  /** The built-in kind a type node ends at, following references. */
  private baseKind(scope: Scope, node: TypeNode, depth = 0): string {
    if (depth > 32) return 'unknown';
    if (node.kind === 'builtin') return node.name;
    if (node.kind === 'integer') return 'INTEGER';
    if (node.kind === 'tagged') return this.baseKind(scope, node.inner, depth + 1);
    if (node.kind === 'reference') {
      if (STRING_TYPE_NAMES[node.name] !== undefined) return node.name;
      const found = this.lookupOrFail(scope, node.name, node.location, 'a type', node.module);
      if (found.assignment.kind !== 'type') return 'unknown';
      return this.baseKind(found.scope, found.assignment.type, depth + 1);
    }
    if (node.kind === 'classField') {
      const found = this.lookupOrFail(scope, node.className, node.location, 'an information object class');
      const field = found.assignment.kind === 'class' ? found.assignment.fields.find((candidate) => candidate.name === node.field) : undefined;
      return field?.type === undefined ? 'unknown' : this.baseKind(found.scope, field.type, depth + 1);
    }
    return node.kind;
  }

  /** Values of constructed types and byte strings (RFC 4055 `sha1Identifier`) are read but not emitted: they only serve as DEFAULTs. */
  private resolveValueAssignment(scope: Scope, assignment: Extract<AssignmentNode, { kind: 'value' }>): ValueIR | undefined {
    const kind = this.baseKind(scope, assignment.type);
    switch (kind) {
      case 'OBJECT IDENTIFIER':
        return { kind: 'oid', name: assignment.name, value: this.oid(scope, { kind: 'reference', module: undefined, name: assignment.name, location: assignment.location }) };
      case 'INTEGER':
        return { kind: 'integer', name: assignment.name, value: this.integer(scope, { kind: 'reference', module: undefined, name: assignment.name, location: assignment.location }) };
      case 'BOOLEAN':
        if (assignment.value.kind !== 'boolean') throw new SpecError('SPEC_INVALID', assignment.value.location, 'TRUE or FALSE');
        return { kind: 'boolean', name: assignment.name, value: assignment.value.value };
      case 'sequence':
      case 'set':
      case 'choice':
      case 'OCTET STRING':
      case 'bitString':
        return undefined;
      default:
        if (assignment.value.kind === 'cstring') return { kind: 'string', name: assignment.name, value: assignment.value.value };
        throw new SpecError('SPEC_UNSUPPORTED', assignment.location, `a value of type OBJECT IDENTIFIER, INTEGER, BOOLEAN or a string (${assignment.name} has type ${kind})`);
    }
  }

  private isExplicitTag(pending: PendingTag): boolean {
    const innerIsOpenOrChoice = this.isUntaggedChoiceOrOpen(pending.node.inner, 0);
    if (pending.mode === 'EXPLICIT' || innerIsOpenOrChoice) return true;
    if (pending.mode === 'IMPLICIT') return false;
    return pending.tagDefault === 'EXPLICIT';
  }

  private isUntaggedChoiceOrOpen(type: IRType, depth: number): boolean {
    if (depth > 32) return false;
    if (type.kind === 'choice' || type.kind === 'any') return true;
    if (type.kind === 'ref') {
      const definition = this.types.get(type.module)?.get(type.name);
      return definition !== undefined && this.isUntaggedChoiceOrOpen(definition.type, depth + 1);
    }
    return false;
  }

  private resolveIR(type: IRType): IRType {
    let current = type;
    for (let depth = 0; current.kind === 'ref' && depth < 32; depth += 1) {
      const definition = this.types.get(current.module)?.get(current.name);
      if (definition === undefined) break;
      current = definition.type;
    }
    return current;
  }

  private resolveDefault(pending: PendingDefault): DefaultValue {
    let type = this.resolveIR(pending.component.type);
    while (type.kind === 'tagged') type = this.resolveIR(type.inner);
    const value = pending.value;
    const fail = (expected: string): never => {
      throw new SpecError('SPEC_INVALID', value.location, `a DEFAULT value of the component's type: ${expected}`);
    };
    switch (type.kind) {
      case 'boolean':
        return value.kind === 'boolean' ? { kind: 'boolean', value: value.value } : fail('TRUE or FALSE');
      case 'integer': {
        if (value.kind === 'reference' && value.module === undefined) {
          const named = type.named.find(([name]) => name === value.name);
          if (named !== undefined) return { kind: 'integer', value: named[1] };
        }
        return { kind: 'integer', value: this.integer(pending.scope, value) };
      }
      case 'enumerated':
        return value.kind === 'reference' && type.items.some(([name]) => name === value.name) ? { kind: 'enumerated', value: value.name } : fail('an enumeration item');
      case 'bitString': {
        if (value.kind === 'braced') {
          const bits = value.items.map((item) => {
            const named = item.kind === 'name' ? type.named.find(([name]) => name === item.name) : undefined;
            return named === undefined ? fail('named bits of this BIT STRING') : named[1];
          });
          return { kind: 'bits', bits };
        }
        if (value.kind === 'bstring') return { kind: 'bits', bits: [...value.value].flatMap((bit, index) => (bit === '1' ? [index] : [])) };
        return fail('{ named bits } or a bstring');
      }
      case 'oid':
        return { kind: 'oid', value: this.oid(pending.scope, value) };
      case 'string':
        return value.kind === 'cstring' ? { kind: 'string', value: value.value } : fail('a character string');
      default:
        return { kind: 'opaque', text: value.kind === 'reference' ? value.name : value.kind };
    }
  }

  private resolveObjectSet(scope: Scope, assignment: Extract<AssignmentNode, { kind: 'objectSet' }>): RegistryIR {
    const classFound = this.lookupOrFail(scope, assignment.className, assignment.location, 'an information object class');
    if (classFound.assignment.kind !== 'class') throw new SpecError('SPEC_INVALID', assignment.location, `an information object class, but ${assignment.className} is a ${classFound.assignment.kind}`);
    const entries = this.objectSetEntries(scope, assignment, classFound as { scope: Scope; assignment: Extract<AssignmentNode, { kind: 'class' }> }, 0);
    const ids = new Set<string>();
    for (const entry of entries) {
      if (ids.has(entry.id)) throw new SpecError('SPEC_DUPLICATE_NAME', assignment.location, `identifiers used once in object set ${assignment.name}: ${entry.id} appears twice`);
      ids.add(entry.id);
    }
    return { name: assignment.name, entries };
  }

  private objectSetEntries(
    scope: Scope,
    assignment: Extract<AssignmentNode, { kind: 'objectSet' }>,
    classFound: { scope: Scope; assignment: Extract<AssignmentNode, { kind: 'class' }> },
    depth: number,
  ): RegistryEntryIR[] {
    if (depth > 8) throw new SpecError('SPEC_REF_CYCLE', assignment.location, 'object sets that do not include themselves');
    const body = assignment.body;
    const entries: RegistryEntryIR[] = [];
    let index = 1;
    while (index < body.length - 1) {
      const token = body[index] as Token2;
      if (token.text === '|' || token.text === ',' || token.text === '...') {
        index += 1;
        continue;
      }
      if (token.text === '{') {
        const end = matchingBrace(body, index);
        entries.push(this.objectEntry(scope, body.slice(index, end + 1), classFound, `${assignment.name}${entries.length + 1}`));
        index = end + 1;
        continue;
      }
      if (token.kind === 'word') {
        const found = this.lookupOrFail(scope, token.text, token.location, 'an information object or object set');
        if (found.assignment.kind === 'object') entries.push(this.objectEntry(found.scope, found.assignment.body, classFound, `${assignment.name}${pascal(token.text)}`));
        else if (found.assignment.kind === 'objectSet') entries.push(...this.objectSetEntries(found.scope, found.assignment, classFound, depth + 1));
        else throw new SpecError('SPEC_INVALID', token.location, `an information object, but ${token.text} is a ${found.assignment.kind}`);
        index += 1;
        continue;
      }
      throw new SpecError('SPEC_SYNTAX', token.location, `an object reference, an object in braces, "|" or "...", found ${JSON.stringify(token.text)}`);
    }
    return entries;
  }

  /** Reads one object `{ … }` against its class (WITH SYNTAX or the default `&field value` syntax). */
  private objectEntry(scope: Scope, body: readonly Token2[], classFound: { scope: Scope; assignment: Extract<AssignmentNode, { kind: 'class' }> }, hoistName: string): RegistryEntryIR {
    const cls = classFound.assignment;
    const idField = cls.fields.find((field) => field.unique && field.type !== undefined) ?? cls.fields.find((field) => field.type !== undefined && /^&[a-z]/u.test(field.name));
    const typeField = cls.fields.find((field) => field.type === undefined && /^&[A-Z]/u.test(field.name));
    if (idField === undefined) throw new SpecError('SPEC_UNSUPPORTED', cls.location, `a class with an identifier field (&id OBJECT IDENTIFIER UNIQUE): ${cls.name}`);
    const settings = new Map<string, { start: number }>();
    const tokens = body.slice(1, -1);
    const file = body[0]?.location.file ?? scope.file;
    let position = 0;
    const fieldOf = (name: string): ClassFieldNode | undefined => cls.fields.find((field) => field.name === name);
    const consume = (name: string) => {
      const field = fieldOf(name);
      if (field === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', tokens[position]?.location ?? body[0]?.location ?? { file, line: 1, column: 1 }, `a field of class ${cls.name}, found ${name}`);
      settings.set(name, { start: position });
      const isType = field.type === undefined && /^&[A-Z]/u.test(field.name);
      position = isType ? parseTypeAt(file, tokens, position).next : parseValueAt(file, tokens, position).next;
    };
    const matches = (items: readonly SyntaxItem[]): void => {
      for (const item of items) {
        if (item.kind === 'literal') {
          const token = tokens[position];
          if (token === undefined || token.text !== item.text) throw new SpecError('SPEC_SYNTAX', token?.location ?? body[body.length - 1]?.location ?? { file, line: 1, column: 1 }, `"${item.text}" as class ${cls.name}'s syntax requires`);
          position += 1;
        } else if (item.kind === 'field') consume(item.name);
        else {
          const first = item.items[0];
          const token = tokens[position];
          if (first !== undefined && first.kind === 'literal' && token !== undefined && token.text === first.text) matches(item.items);
        }
      }
    };
    if (cls.syntax !== undefined) {
      matches(cls.syntax);
      if (position < tokens.length) throw new SpecError('SPEC_SYNTAX', (tokens[position] as Token2).location, `the end of the object as class ${cls.name}'s syntax requires`);
    } else {
      while (position < tokens.length) {
        const token = tokens[position] as Token2;
        if (token.text === ',') {
          position += 1;
          continue;
        }
        if (token.kind !== 'field') throw new SpecError('SPEC_SYNTAX', token.location, 'a field setting (&field value)');
        position += 1;
        consume(token.text);
      }
    }
    const idSetting = settings.get(idField.name);
    if (idSetting === undefined) throw new SpecError('SPEC_INVALID', body[0]?.location ?? { file, line: 1, column: 1 }, `a value for ${idField.name}`);
    const idNode = parseValueAt(file, tokens, idSetting.start).node;
    const id = this.oid(scope, idNode);
    const typeSetting = typeField === undefined ? undefined : settings.get(typeField.name);
    const type = typeSetting === undefined ? undefined : this.convert(scope, parseTypeAt(file, tokens, typeSetting.start).node, hoistName, false);
    return { id, idName: idNode.kind === 'reference' ? idNode.name : undefined, type };
  }

  /** `--@open-type`, `--@keep-der`, `--@test` and `--@invalid` directives. */
  private applyDirectives(scope: Scope, tests: Map<string, TestVectorIR[]>): void {
    for (const directive of scope.node.directives) {
      const [verb, ...args] = directive.words;
      const fail = (expected: string): never => {
        throw new SpecError('SPEC_SYNTAX', directive.location, `a directive of the form ${expected}`);
      };
      if (verb === 'keep-der') {
        for (const target of args) {
          if (target.split('.').length === 3) this.findComponent(scope, target, directive.location).keepDer = true;
          else this.findTypeDefinition(scope, target, directive.location).keepDer = true;
        }
      } else if (verb === 'lazy') {
        for (const target of args) this.markLazy(scope, target, directive.location);
      } else if (verb === 'open-type') {
        const [target, registry, idComponent] = args;
        if (target === undefined || registry === undefined || idComponent === undefined) fail('--@open-type Module.Type.component ObjectSet idComponent');
        this.bindOpenType(scope, target as string, registry as string, idComponent as string, directive.location);
      } else if (verb === 'test' || verb === 'invalid') {
        const [type, hexWord, hex, ...rest] = args;
        if (type === undefined || hexWord !== 'hex' || hex === undefined || !/^([0-9a-fA-F]{2})*$/u.test(hex)) fail(`--@${verb} Type hex <even number of hex digits> …`);
        const typeName = type as string;
        this.findTypeDefinition(scope, typeName.includes('.') ? typeName : `${scope.node.name}.${typeName}`, directive.location);
        const list = tests.get(scope.node.name) ?? [];
        tests.set(scope.node.name, list);
        if (verb === 'test') {
          if (rest[0] !== 'json' || rest.length < 2) fail('--@test Type hex <hex> json <expected JSON>');
          const json = rest.slice(1).join(' ');
          try {
            JSON.parse(json);
          } catch {
            fail('--@test Type hex <hex> json <well-formed JSON>');
          }
          list.push({ type: typeName, hex: (hex as string).toLowerCase(), json, error: undefined, location: directive.location });
        } else {
          const options = new Map<string, string>();
          for (let index = 0; index + 1 < rest.length; index += 2) options.set(rest[index] as string, rest[index + 1] as string);
          const code = options.get('code') ?? fail('--@invalid Type hex <hex> code <DecodeError code> [offset <n>] [path <path>]');
          const offset = options.get('offset');
          list.push({ type: typeName, hex: (hex as string).toLowerCase(), json: undefined, error: { code, offset: offset === undefined ? undefined : Number(offset), path: options.get('path') }, location: directive.location });
        }
      } else {
        fail('--@keep-der, --@lazy, --@open-type, --@test or --@invalid');
      }
    }
  }

  private findTypeDefinition(scope: Scope, target: string, location: SourceLocation): Mutable<TypeDefIR> {
    const [moduleName, typeName] = target.includes('.') ? [target.slice(0, target.indexOf('.')), target.slice(target.indexOf('.') + 1)] : [scope.node.name, target];
    const definition = this.types.get(moduleName)?.get(typeName);
    if (definition === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', location, `a type ${typeName} in module ${moduleName}`);
    return definition;
  }

  private findComponent(scope: Scope, target: string, location: SourceLocation): Mutable<ComponentIR> {
    const parts = target.split('.');
    const definition = this.findTypeDefinition(scope, `${parts[0]}.${parts[1]}`, location);
    const type = definition.type;
    const component = type.kind === 'sequence' || type.kind === 'set' ? (type.components.find((candidate) => candidate.name === parts[2]) as Mutable<ComponentIR> | undefined) : undefined;
    if (component === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', location, `a component ${parts[2]} in ${parts[1]}`);
    return component;
  }

  private markLazy(scope: Scope, target: string, location: SourceLocation): void {
    const parts = target.split('.');
    if (parts.length !== 3) throw new SpecError('SPEC_SYNTAX', location, 'a target of the form Module.Type.component');
    const definition = this.findTypeDefinition(scope, `${parts[0]}.${parts[1]}`, location);
    const type = definition.type;
    const component = type.kind === 'sequence' || type.kind === 'set' ? (type.components.find((candidate) => candidate.name === parts[2]) as Mutable<ComponentIR> | undefined) : undefined;
    if (component === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', location, `a component ${parts[2]} in ${parts[1]}`);
    if (this.resolveIR(component.type).kind !== 'sequenceOf') throw new SpecError('SPEC_INVALID', location, `a SEQUENCE OF component to decode lazily, ${parts[2]} is not one`);
    component.lazy = true;
  }

  private bindOpenType(scope: Scope, target: string, registry: string, idComponent: string, location: SourceLocation): void {
    const parts = target.split('.');
    if (parts.length !== 3) throw new SpecError('SPEC_SYNTAX', location, 'a target of the form Module.Type.component');
    const definition = this.findTypeDefinition(scope, `${parts[0]}.${parts[1]}`, location);
    const type = definition.type;
    if (type.kind !== 'sequence' && type.kind !== 'set') throw new SpecError('SPEC_INVALID', location, `a SEQUENCE or SET type, but ${parts[1]} is a ${type.kind}`);
    const component = type.components.find((candidate) => candidate.name === parts[2]) as Mutable<ComponentIR> | undefined;
    if (component === undefined) throw new SpecError('SPEC_REF_UNRESOLVED', location, `a component ${parts[2]} in ${parts[1]}`);
    if (!type.components.some((candidate) => candidate.name === idComponent)) throw new SpecError('SPEC_REF_UNRESOLVED', location, `an identifier component ${idComponent} in ${parts[1]}`);
    if (!(this.registries.get(scope.node.name) ?? []).some((candidate) => candidate.name === registry)) {
      throw new SpecError('SPEC_REF_UNRESOLVED', location, `an object set ${registry} defined in ${scope.node.name}`);
    }
    const binding: OpenBinding = { registryModule: scope.node.name, registry, idComponent };
    component.type = this.withBinding(component.type, binding, location);
  }

  private withBinding(type: IRType, binding: OpenBinding, location: SourceLocation): IRType {
    if (type.kind === 'any') return { kind: 'any', binding };
    if (type.kind === 'octetString') return { ...type, containing: binding };
    if (type.kind === 'tagged') return Object.assign(type, { inner: this.withBinding(type.inner, binding, location) });
    // SET OF AttributeValue: every element is resolved by the same identifier.
    if (type.kind === 'sequenceOf' || type.kind === 'setOf') return { ...type, element: this.withBinding(type.element, binding, location) };
    if (type.kind === 'ref') {
      const resolved = this.resolveIR(type);
      if (resolved.kind === 'any') return { kind: 'any', binding };
      if (resolved.kind === 'octetString') return { ...resolved, containing: binding };
    }
    throw new SpecError('SPEC_INVALID', location, `an ANY or OCTET STRING component to bind, found ${type.kind}`);
  }
}

function matchingBrace(tokens: readonly Token2[], start: number): number {
  let depth = 0;
  for (let index = start; index < tokens.length; index += 1) {
    const token = tokens[index] as Token2;
    if (token.kind !== 'symbol') continue;
    if (token.text === '{') depth += 1;
    if (token.text === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  throw new SpecError('SPEC_SYNTAX', (tokens[start] as Token2).location, '"}" closing this object');
}

export function pascal(name: string): string {
  return name
    .split('-')
    .filter((part) => part !== '')
    .map((part) => (part[0] ?? '').toUpperCase() + part.slice(1))
    .join('');
}
