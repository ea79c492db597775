/**
 * Recursive-descent parser for X.680 modules as IETF modules write them, with the X.681 subset
 * they use for information objects (CLASS … WITH SYNTAX, objects, object sets, CLASS.&field
 * types with table constraints). Every error names file:line:column and what was expected.
 */
import { SpecError, type SourceLocation } from '../../spec-error.js';
import type {
  AssignmentNode,
  BracedItem,
  ClassFieldNode,
  ComponentNode,
  ConstraintNode,
  DirectiveNode,
  ImportNode,
  ModuleNode,
  NamedNumberNode,
  SizeRange,
  SyntaxItem,
  TagClassName,
  TagDefault,
  Token2,
  TypeNode,
  ValueNode,
} from './asn1-ast.js';
import { tokenize, type Token } from './asn1-lexer.js';

const STRING_TYPES = new Set([
  'UTF8String',
  'PrintableString',
  'IA5String',
  'VisibleString',
  'ISO646String',
  'NumericString',
  'TeletexString',
  'T61String',
  'VideotexString',
  'GraphicString',
  'GeneralString',
  'UniversalString',
  'BMPString',
  'UTCTime',
  'GeneralizedTime',
  'ObjectDescriptor',
]);

const UNSUPPORTED_TYPES = new Set(['REAL', 'EXTERNAL', 'EMBEDDED', 'CHARACTER', 'INSTANCE', 'DATE', 'TIME-OF-DAY', 'DATE-TIME', 'DURATION', 'TIME', 'OID-IRI', 'RELATIVE-OID-IRI']);

/** Words that cannot start a named component's type, so a lowercase word followed by one is not an identifier. */
const isUpperInitial = (text: string) => /^[A-Z]/u.test(text);
const isLowerInitial = (text: string) => /^[a-z]/u.test(text);
const isAllCaps = (text: string) => /^[A-Z][A-Z0-9-]*$/u.test(text);

export function parseModules(file: string, text: string): ModuleNode[] {
  const all = tokenize(file, text);
  return new Parser(file, all).parseFile();
}

class Parser {
  private readonly tokens: Token[];
  private readonly directivesAt: { readonly index: number; readonly directive: DirectiveNode }[] = [];
  private index = 0;

  constructor(
    private readonly file: string,
    all: Token[],
  ) {
    this.tokens = [];
    for (const token of all) {
      if (token.kind === 'directive') {
        this.directivesAt.push({
          index: this.tokens.length,
          directive: { words: token.text.split(/[ \t\r]+/u).filter((word) => word !== ''), location: this.locationOf(token) },
        });
      } else this.tokens.push(token);
    }
  }

  get position(): number {
    return this.index;
  }

  seek(index: number): void {
    this.index = index;
  }

  private locationOf(token: Token): SourceLocation {
    return { file: this.file, line: token.line, column: token.column };
  }

  private get current(): Token {
    return this.tokens[this.index] as Token;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private here(): SourceLocation {
    return this.locationOf(this.current);
  }

  private fail(expected: string, token: Token = this.current): never {
    const found = token.kind === 'end' ? 'the end of the file' : JSON.stringify(token.text);
    throw new SpecError('SPEC_SYNTAX', this.locationOf(token), `${expected}, found ${found}`);
  }

  private is(text: string): boolean {
    const token = this.current;
    return (token.kind === 'word' || token.kind === 'symbol') && token.text === text;
  }

  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.index += 1;
    return true;
  }

  private expect(text: string, what = `"${text}"`): Token {
    if (!this.is(text)) this.fail(what);
    return this.tokens[this.index++] as Token;
  }

  private expectWord(what: string, check?: (text: string) => boolean): Token {
    const token = this.current;
    if (token.kind !== 'word' || (check !== undefined && !check(token.text))) this.fail(what);
    this.index += 1;
    return token;
  }

  parseFile(): ModuleNode[] {
    const modules: ModuleNode[] = [];
    while (this.current.kind !== 'end') modules.push(this.parseModule());
    if (modules.length === 0) this.fail('a module definition (ModuleName DEFINITIONS ::= BEGIN … END)');
    return modules;
  }

  private parseModule(): ModuleNode {
    const start = this.current;
    const directiveStart = this.index;
    const name = this.expectWord('a module reference (the module name)', isUpperInitial).text;
    const oid = this.is('{') ? this.parseBracedValue() : undefined;
    this.expect('DEFINITIONS', '"DEFINITIONS" after the module name');
    let tagDefault: TagDefault = 'EXPLICIT';
    if (this.is('EXPLICIT') || this.is('IMPLICIT') || this.is('AUTOMATIC')) {
      tagDefault = this.current.text as TagDefault;
      this.index += 1;
      this.expect('TAGS', '"TAGS" after the tagging default');
    }
    let extensibilityImplied = false;
    if (this.accept('EXTENSIBILITY')) {
      this.expect('IMPLIED');
      extensibilityImplied = true;
    }
    this.expect('::=', '"::=" after the module header');
    this.expect('BEGIN', '"BEGIN"');
    let exports: readonly string[] | 'ALL' = 'ALL';
    if (this.accept('EXPORTS')) exports = this.parseExports();
    const imports = this.accept('IMPORTS') ? this.parseImports() : [];
    const assignments: AssignmentNode[] = [];
    while (!this.is('END')) {
      if (this.current.kind === 'end') this.fail('"END" closing the module');
      assignments.push(this.parseAssignment());
    }
    this.expect('END');
    const directiveEnd = this.index;
    const directives = this.directivesAt.filter((entry) => entry.index >= directiveStart && entry.index < directiveEnd).map((entry) => entry.directive);
    return { name, oid, tagDefault, extensibilityImplied, exports, imports, assignments, directives, location: this.locationOf(start) };
  }

  private parseExports(): readonly string[] | 'ALL' {
    if (this.accept('ALL')) {
      this.expect(';', '";" after EXPORTS ALL');
      return 'ALL';
    }
    const names: string[] = [];
    while (!this.accept(';')) {
      const token = this.current;
      if (token.kind === 'end') this.fail('";" closing EXPORTS');
      if (token.kind === 'word') names.push(token.text);
      this.index += 1;
    }
    return names;
  }

  private parseImports(): ImportNode[] {
    const imports: ImportNode[] = [];
    while (!this.accept(';')) {
      const location = this.here();
      const symbols: { name: string; location: SourceLocation }[] = [];
      for (;;) {
        const symbol = this.expectWord('an imported name or ";" closing IMPORTS');
        if (this.is('{')) {
          // Parameterized reference `Name{}`: imported as its name.
          this.expect('{');
          this.expect('}');
        }
        symbols.push({ name: symbol.text, location: this.locationOf(symbol) });
        if (this.accept(',')) continue;
        break;
      }
      this.expect('FROM', '"FROM" or "," after the imported names');
      const module = this.expectWord('the module name after FROM', isUpperInitial).text;
      if (this.is('{')) this.parseBracedValue();
      else if (this.current.kind === 'word' && isLowerInitial(this.current.text) && !(this.peek().text === ',' || this.peek().text === 'FROM' || this.peek().text === '{')) {
        this.index += 1; // AssignedIdentifier given as a value reference
      }
      imports.push({ symbols, module, location });
    }
    return imports;
  }

  private parseAssignment(): AssignmentNode {
    const nameToken = this.expectWord('an assignment (a type, value, class, object or object set)');
    const name = nameToken.text;
    const location = this.locationOf(nameToken);
    if (this.is('{')) {
      throw new SpecError('SPEC_UNSUPPORTED', this.here(), `no parameter list after ${name}: parameterized assignments are not supported`);
    }
    if (isUpperInitial(name)) {
      if (this.accept('::=')) {
        if (this.accept('CLASS')) return this.parseClass(name, location);
        if (this.is('MACRO')) throw new SpecError('SPEC_UNSUPPORTED', this.here(), 'a type after "::=" (ASN.1:1988 macros are not supported)');
        return { kind: 'type', name, type: this.parseType(), location };
      }
      if (this.current.kind === 'word' && isUpperInitial(this.current.text) && this.peek().text === '::=') {
        const className = this.expectWord('a class reference').text;
        this.expect('::=');
        return { kind: 'objectSet', name, className, body: this.captureBraces(), location };
      }
      if (this.current.kind === 'word' && this.current.text === 'MACRO') {
        throw new SpecError('SPEC_UNSUPPORTED', this.here(), '"::=" (ASN.1:1988 macros are not supported)');
      }
      this.fail(`"::=" after the type reference ${name}`);
    }
    // A value or object assignment: `name Type ::= value` or `name CLASS ::= { … }`.
    if (this.current.kind === 'word' && isAllCaps(this.current.text) && this.peek().text === '::=' && this.peek(2).text === '{' && !BUILTIN_WORDS.has(this.current.text)) {
      const className = this.expectWord('a class reference').text;
      this.expect('::=');
      return { kind: 'object', name, className, body: this.captureBraces(), location };
    }
    const type = this.parseType();
    this.expect('::=', `"::=" in the value assignment of ${name}`);
    return { kind: 'value', name, type, value: this.parseValue(), location };
  }

  private parseClass(name: string, location: SourceLocation): AssignmentNode {
    this.expect('{', '"{" opening the CLASS fields');
    const fields: ClassFieldNode[] = [];
    while (!this.accept('}')) {
      const token = this.current;
      if (token.kind !== 'field') this.fail('a class field (&name)');
      this.index += 1;
      const fieldLocation = this.locationOf(token);
      let type: TypeNode | undefined;
      if (!(this.is(',') || this.is('}') || this.is('OPTIONAL') || this.is('DEFAULT') || this.is('UNIQUE'))) type = this.parseType();
      const unique = this.accept('UNIQUE');
      let optional = false;
      if (this.accept('OPTIONAL')) optional = true;
      else if (this.accept('DEFAULT')) {
        this.parseValue();
        optional = true;
      }
      fields.push({ name: token.text, type, unique, optional, location: fieldLocation });
      if (!this.accept(',') && !this.is('}')) this.fail('"," or "}" in the CLASS fields');
    }
    let syntax: SyntaxItem[] | undefined;
    if (this.accept('WITH')) {
      this.expect('SYNTAX');
      this.expect('{', '"{" opening WITH SYNTAX');
      syntax = this.parseSyntaxItems('}');
    }
    return { kind: 'class', name, fields, syntax, location };
  }

  private parseSyntaxItems(close: string): SyntaxItem[] {
    const items: SyntaxItem[] = [];
    while (!this.accept(close)) {
      const token = this.current;
      if (token.kind === 'end') this.fail(`"${close}" closing the syntax`);
      if (this.accept('[')) items.push({ kind: 'optional', items: this.parseSyntaxItems(']') });
      else if (token.kind === 'field') {
        this.index += 1;
        items.push({ kind: 'field', name: token.text });
      } else {
        this.index += 1;
        items.push({ kind: 'literal', text: token.text });
      }
    }
    return items;
  }

  /** Captures a balanced `{ … }` for interpretation once the class is known. */
  private captureBraces(): Token2[] {
    if (!this.is('{')) this.fail('"{" opening the object or object set');
    const captured: Token2[] = [];
    let depth = 0;
    do {
      const token = this.current;
      if (token.kind === 'end') this.fail('"}" closing the object or object set');
      if (token.text === '{' && token.kind === 'symbol') depth += 1;
      if (token.text === '}' && token.kind === 'symbol') depth -= 1;
      captured.push({ kind: token.kind, text: token.text, location: this.locationOf(token) });
      this.index += 1;
    } while (depth > 0);
    return captured;
  }

  parseType(): TypeNode {
    const location = this.here();
    const base = this.parseTypeWithoutConstraints(location);
    const constraints = [...base.constraints];
    while (this.is('(')) constraints.push(this.parseConstraint());
    return { ...base, constraints } as TypeNode;
  }

  private parseTypeWithoutConstraints(location: SourceLocation): TypeNode {
    const none: readonly ConstraintNode[] = [];
    const token = this.current;
    if (this.is('[')) return this.parseTaggedType(location);
    if (token.kind !== 'word') this.fail('a type');
    const word = token.text;
    if (UNSUPPORTED_TYPES.has(word)) throw new SpecError('SPEC_UNSUPPORTED', location, `a supported type: ${word} is not supported by this reader`);
    this.index += 1;
    switch (word) {
      case 'BOOLEAN':
      case 'NULL':
        return { kind: 'builtin', name: word, location, constraints: none };
      case 'INTEGER':
        return { kind: 'integer', namedNumbers: this.is('{') ? this.parseNamedNumbers() : [], location, constraints: none };
      case 'ENUMERATED':
        return this.parseEnumerated(location);
      case 'BIT':
        this.expect('STRING', '"STRING" after BIT');
        return { kind: 'bitString', namedBits: this.is('{') ? this.parseNamedNumbers() : [], location, constraints: none };
      case 'OCTET':
        this.expect('STRING', '"STRING" after OCTET');
        return { kind: 'builtin', name: 'OCTET STRING', location, constraints: none };
      case 'OBJECT':
        this.expect('IDENTIFIER', '"IDENTIFIER" after OBJECT');
        return { kind: 'builtin', name: 'OBJECT IDENTIFIER', location, constraints: none };
      case 'RELATIVE-OID':
        return { kind: 'builtin', name: 'RELATIVE-OID', location, constraints: none };
      case 'SEQUENCE':
      case 'SET':
        return this.parseSequenceOrSet(word, location);
      case 'CHOICE':
        return this.parseChoice(location);
      case 'ANY': {
        let definedBy: string | undefined;
        if (this.accept('DEFINED')) {
          this.expect('BY', '"BY" after ANY DEFINED');
          definedBy = this.expectWord('the identifier of the component ANY is DEFINED BY', isLowerInitial).text;
        }
        return { kind: 'any', definedBy, location, constraints: none };
      }
      default:
        break;
    }
    if (STRING_TYPES.has(word)) return { kind: 'builtin', name: word, location, constraints: none };
    if (!isUpperInitial(word)) this.fail('a type', token);
    if (this.is('.') && this.peek().kind === 'field') {
      this.index += 1;
      const field = this.current.text;
      this.index += 1;
      return { kind: 'classField', className: word, field, location, constraints: none };
    }
    if (this.is('.') && this.peek().kind === 'word' && isUpperInitial(this.peek().text)) {
      this.index += 1;
      const name = this.expectWord('a type reference after the module name').text;
      return { kind: 'reference', module: word, name, location, constraints: none };
    }
    if (this.is('{')) throw new SpecError('SPEC_UNSUPPORTED', this.here(), `a plain type reference: parameterized type ${word}{…} is not supported`);
    return { kind: 'reference', module: undefined, name: word, location, constraints: none };
  }

  private parseTaggedType(location: SourceLocation): TypeNode {
    this.expect('[');
    let tagClass: TagClassName = 'CONTEXT';
    if (this.is('UNIVERSAL') || this.is('APPLICATION') || this.is('PRIVATE')) {
      tagClass = this.current.text as TagClassName;
      this.index += 1;
    }
    const number = this.parseValue();
    if (number.kind !== 'number' && number.kind !== 'reference') this.fail('a tag number', this.tokens[this.index - 1]);
    this.expect(']', '"]" closing the tag');
    let mode: 'EXPLICIT' | 'IMPLICIT' | undefined;
    if (this.is('EXPLICIT') || this.is('IMPLICIT')) {
      mode = this.current.text as 'EXPLICIT' | 'IMPLICIT';
      this.index += 1;
    }
    const inner = this.parseType();
    return { kind: 'tagged', tagClass, number, mode, inner, location, constraints: [] };
  }

  private parseNamedNumbers(): NamedNumberNode[] {
    this.expect('{');
    const items: NamedNumberNode[] = [];
    do {
      const nameToken = this.expectWord('a name in the named-number list', isLowerInitial);
      this.expect('(', `"(" and a number after ${nameToken.text}`);
      const value = this.parseValue();
      this.expect(')', '")"');
      items.push({ name: nameToken.text, value, location: this.locationOf(nameToken) });
    } while (this.accept(','));
    this.expect('}', '"," or "}" in the named-number list');
    return items;
  }

  private parseEnumerated(location: SourceLocation): TypeNode {
    this.expect('{', '"{" opening ENUMERATED');
    const items: { name: string; value: ValueNode | undefined; location: SourceLocation }[] = [];
    let extensible = false;
    do {
      if (this.accept('...')) {
        extensible = true;
        if (this.accept('!')) this.parseValue();
        continue;
      }
      const nameToken = this.expectWord('an enumeration item', isLowerInitial);
      let value: ValueNode | undefined;
      if (this.accept('(')) {
        value = this.parseValue();
        this.expect(')', '")"');
      }
      items.push({ name: nameToken.text, value, location: this.locationOf(nameToken) });
    } while (this.accept(','));
    this.expect('}', '"," or "}" in ENUMERATED');
    return { kind: 'enumerated', items, extensible, location, constraints: [] };
  }

  private parseSequenceOrSet(word: 'SEQUENCE' | 'SET', location: SourceLocation): TypeNode {
    const constraints: ConstraintNode[] = [];
    if (this.is('SIZE')) {
      constraints.push({ size: this.parseSizeAfterKeyword() });
    } else if (this.is('(')) {
      constraints.push(this.parseConstraint());
    }
    if (this.accept('OF')) {
      if (this.current.kind === 'word' && isLowerInitial(this.current.text) && (this.peek().kind === 'word' || this.peek().text === '[')) this.index += 1;
      const element = this.parseType();
      return { kind: word === 'SEQUENCE' ? 'sequenceOf' : 'setOf', element, location, constraints };
    }
    if (constraints.length > 0) this.fail('"OF" after the size constraint');
    this.expect('{', `"{" or "OF" after ${word}`);
    const { components, componentsOf, extensible } = this.parseComponents();
    return { kind: word === 'SEQUENCE' ? 'sequence' : 'set', components, componentsOf, extensible, location, constraints: [] };
  }

  private parseComponents(): { components: ComponentNode[]; componentsOf: { type: TypeNode; index: number }[]; extensible: boolean } {
    const components: ComponentNode[] = [];
    const componentsOf: { type: TypeNode; index: number }[] = [];
    let extensible = false;
    let markers = 0;
    if (this.accept('}')) return { components, componentsOf, extensible };
    for (;;) {
      if (this.accept('...')) {
        extensible = true;
        markers += 1;
        if (this.accept('!')) this.parseValue();
      } else if (this.accept('[[')) {
        if (this.current.kind === 'number' && this.peek().text === ':') this.index += 2;
        for (;;) {
          components.push(this.parseComponent(markers === 1));
          if (!this.accept(',')) break;
        }
        this.expect(']]', '"]]" closing the version brackets');
      } else if (this.is('COMPONENTS')) {
        this.index += 1;
        this.expect('OF', '"OF" after COMPONENTS');
        componentsOf.push({ type: this.parseType(), index: components.length });
      } else {
        components.push(this.parseComponent(markers === 1));
      }
      if (this.accept(',')) continue;
      this.expect('}', '"," or "}" after the component');
      return { components, componentsOf, extensible };
    }
  }

  private parseComponent(extension: boolean): ComponentNode {
    const nameToken = this.expectWord('a component name (an identifier starting lower-case)', isLowerInitial);
    const type = this.parseType();
    let optional = false;
    let defaultValue: ValueNode | undefined;
    if (this.accept('OPTIONAL')) optional = true;
    else if (this.accept('DEFAULT')) defaultValue = this.parseValue();
    return { name: nameToken.text, type, optional, defaultValue, extension, location: this.locationOf(nameToken) };
  }

  private parseChoice(location: SourceLocation): TypeNode {
    this.expect('{', '"{" opening CHOICE');
    const alternatives: ComponentNode[] = [];
    let extensible = false;
    let markers = 0;
    for (;;) {
      if (this.accept('...')) {
        extensible = true;
        markers += 1;
        if (this.accept('!')) this.parseValue();
      } else if (this.accept('[[')) {
        if (this.current.kind === 'number' && this.peek().text === ':') this.index += 2;
        for (;;) {
          alternatives.push(this.parseComponent(markers === 1));
          if (!this.accept(',')) break;
        }
        this.expect(']]', '"]]"');
      } else {
        const component = this.parseComponent(markers === 1);
        if (component.optional || component.defaultValue !== undefined) {
          throw new SpecError('SPEC_SYNTAX', component.location, `a CHOICE alternative without OPTIONAL or DEFAULT (${component.name})`);
        }
        alternatives.push(component);
      }
      if (this.accept(',')) continue;
      this.expect('}', '"," or "}" after the alternative');
      if (alternatives.length === 0) throw new SpecError('SPEC_SYNTAX', location, 'at least one CHOICE alternative');
      return { kind: 'choice', alternatives, extensible, location, constraints: [] };
    }
  }

  private parseSizeAfterKeyword(): SizeRange {
    this.expect('SIZE');
    this.expect('(', '"(" after SIZE');
    const range = this.parseRange();
    this.skipToClose();
    return range;
  }

  /** Skips what this reader does not model inside a constraint, up to and including the closing ")". */
  private skipToClose(): boolean {
    let depth = 1;
    let extensible = false;
    while (depth > 0) {
      const token = this.current;
      if (token.kind === 'end') this.fail('")" closing the constraint');
      if (token.kind === 'symbol' && (token.text === '(' || token.text === '{')) depth += 1;
      if (token.kind === 'symbol' && (token.text === ')' || token.text === '}')) depth -= 1;
      if (token.text === '...') extensible = true;
      this.index += 1;
    }
    return extensible;
  }

  private parseRange(): SizeRange {
    const lower = this.parseBound();
    if (this.accept('..') || (this.accept('<') && this.expect('..'))) {
      this.accept('<');
      const upper = this.parseBound();
      return { min: lower, max: upper };
    }
    return { min: lower, max: lower };
  }

  private parseBound(): ValueNode | 'MIN' | 'MAX' | undefined {
    if (this.accept('MIN')) return 'MIN';
    if (this.accept('MAX')) return 'MAX';
    const token = this.current;
    if (token.kind === 'number' || (token.kind === 'symbol' && token.text === '-') || (token.kind === 'word' && isLowerInitial(token.text))) return this.parseValue();
    return undefined;
  }

  private parseConstraint(): ConstraintNode {
    this.expect('(');
    if (this.is('SIZE')) {
      const size = this.parseSizeAfterKeyword();
      return { size, extensible: this.skipToClose() };
    }
    if (this.accept('CONTAINING')) {
      const containing = this.parseType();
      return { containing, extensible: this.skipToClose() };
    }
    if (this.is('{') && this.peek().kind === 'word' && this.peek(2).text === '}') {
      this.index += 1;
      const setToken = this.current;
      this.index += 2;
      let atComponent: string | undefined;
      if (this.accept('{')) {
        this.expect('@', '"@" and a component name in the table constraint');
        this.accept('.');
        atComponent = this.expectWord('a component name after @').text;
        while (this.accept('.')) atComponent = this.expectWord('a component name').text;
        this.expect('}', '"}" closing the component relation');
      }
      return { table: { set: setToken.text, atComponent, location: this.locationOf(setToken) }, extensible: this.skipToClose() };
    }
    const token = this.current;
    if (token.kind === 'number' || token.text === '-' || token.text === 'MIN' || (token.kind === 'word' && isLowerInitial(token.text))) {
      const start = this.index;
      const range = this.parseRange();
      if (this.is(')') || this.is(',') || this.is('|')) return { range, extensible: this.skipToClose() };
      this.index = start;
    }
    return { extensible: this.skipToClose() };
  }

  parseValue(): ValueNode {
    const token = this.current;
    const location = this.here();
    if (token.kind === 'number') {
      this.index += 1;
      return { kind: 'number', value: BigInt(token.text), location };
    }
    if (token.kind === 'symbol' && token.text === '-' && this.peek().kind === 'number') {
      this.index += 2;
      return { kind: 'number', value: -BigInt(this.tokens[this.index - 1]?.text ?? '0'), location };
    }
    if (token.kind === 'cstring') {
      this.index += 1;
      return { kind: 'cstring', value: token.text, location };
    }
    if (token.kind === 'bstring' || token.kind === 'hstring') {
      this.index += 1;
      return { kind: token.kind, value: token.text, location };
    }
    if (this.is('{')) return this.parseBracedValue();
    if (token.kind === 'word') {
      this.index += 1;
      if (token.text === 'TRUE' || token.text === 'FALSE') return { kind: 'boolean', value: token.text === 'TRUE', location };
      if (token.text === 'NULL') return { kind: 'null', location };
      if (isUpperInitial(token.text) && this.is('.') && this.peek().kind === 'word') {
        this.index += 1;
        const name = this.expectWord('a value reference after the module name').text;
        return { kind: 'reference', module: token.text, name, location };
      }
      return { kind: 'reference', module: undefined, name: token.text, location };
    }
    this.fail('a value');
  }

  private parseBracedValue(): ValueNode {
    const location = this.here();
    this.expect('{');
    const groups: BracedItem[][] = [[]];
    while (!this.accept('}')) {
      const token = this.current;
      const itemLocation = this.here();
      const group = groups[groups.length - 1] as BracedItem[];
      if (this.accept(',')) {
        groups.push([]);
        continue;
      }
      if (token.kind === 'number') {
        this.index += 1;
        group.push({ kind: 'number', value: BigInt(token.text), location: itemLocation });
      } else if (token.kind === 'word' && this.peek().text === '(') {
        this.index += 2;
        const value = this.parseValue();
        this.expect(')', '")" after the number form');
        group.push({ kind: 'nameAndNumber', name: token.text, value, location: itemLocation });
      } else if (token.kind === 'word' && isLowerInitial(token.text) && !(this.peek().text === ',' || this.peek().text === '}') && groups.length + (this.containsCommaAhead() ? 1 : 0) > 1) {
        this.index += 1;
        group.push({ kind: 'named', name: token.text, value: this.parseValue(), location: itemLocation });
      } else if (token.kind === 'word') {
        this.index += 1;
        let name = token.text;
        if (this.is('.') && this.peek().kind === 'word') {
          this.index += 1;
          name = `${name}.${this.current.text}`;
          this.index += 1;
        }
        group.push({ kind: 'name', name, location: itemLocation });
      } else if (token.kind === 'end') {
        this.fail('"}" closing the value');
      } else {
        this.fail('an object identifier component, a name or a number in the braced value');
      }
    }
    const items = groups.flat();
    return { kind: 'braced', items, location };
  }

  /** Whether a top-level "," follows within the current braces (a list value rather than an OID). */
  private containsCommaAhead(): boolean {
    let depth = 0;
    for (let index = this.index; index < this.tokens.length; index += 1) {
      const token = this.tokens[index] as Token;
      if (token.kind !== 'symbol') continue;
      if (token.text === '{' || token.text === '(') depth += 1;
      else if (token.text === '}' || token.text === ')') {
        if (depth === 0) return false;
        depth -= 1;
      } else if (token.text === ',' && depth === 0) return true;
    }
    return false;
  }
}

const BUILTIN_WORDS = new Set(['BOOLEAN', 'NULL', 'INTEGER', 'ENUMERATED', 'BIT', 'OCTET', 'OBJECT', 'SEQUENCE', 'SET', 'CHOICE', 'ANY', 'RELATIVE-OID', ...STRING_TYPES]);

/** Parses one type from a token slice (an object's field setting); returns the node and the index after it. */
export function parseTypeAt(file: string, tokens: readonly Token2Like[], start: number): { node: TypeNode; next: number } {
  const parser = subParser(file, tokens, start);
  const node = parser.parseType();
  return { node, next: parser.position };
}

/** Parses one value from a token slice; returns the node and the index after it. */
export function parseValueAt(file: string, tokens: readonly Token2Like[], start: number): { node: ValueNode; next: number } {
  const parser = subParser(file, tokens, start);
  const node = parser.parseValue();
  return { node, next: parser.position };
}

export interface Token2Like {
  readonly kind: string;
  readonly text: string;
  readonly location: SourceLocation;
}

function subParser(file: string, tokens: readonly Token2Like[], start: number): Parser & { position: number } {
  const converted: Token[] = tokens.map((token) => ({ kind: token.kind as Token['kind'], text: token.text, line: token.location.line, column: token.location.column }));
  const last = tokens[tokens.length - 1];
  converted.push({ kind: 'end', text: '', line: last?.location.line ?? 1, column: (last?.location.column ?? 0) + 1 });
  const parser = new Parser(file, converted) as Parser & { position: number };
  parser.seek(start);
  return parser;
}
