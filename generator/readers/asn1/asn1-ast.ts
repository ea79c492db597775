/** The parse tree of X.680/X.681 modules, before names are resolved. Every node knows where it was written. */
import type { SourceLocation } from '../../spec-error.js';

export type TagDefault = 'EXPLICIT' | 'IMPLICIT' | 'AUTOMATIC';
export type TagClassName = 'UNIVERSAL' | 'APPLICATION' | 'CONTEXT' | 'PRIVATE';

export interface ModuleNode {
  readonly name: string;
  readonly oid: ValueNode | undefined;
  readonly tagDefault: TagDefault;
  readonly extensibilityImplied: boolean;
  readonly exports: readonly string[] | 'ALL';
  readonly imports: readonly ImportNode[];
  readonly assignments: readonly AssignmentNode[];
  readonly directives: readonly DirectiveNode[];
  readonly location: SourceLocation;
}

export interface ImportNode {
  readonly symbols: readonly { readonly name: string; readonly location: SourceLocation }[];
  readonly module: string;
  readonly location: SourceLocation;
}

export interface DirectiveNode {
  readonly words: readonly string[];
  readonly location: SourceLocation;
}

export type AssignmentNode =
  | { readonly kind: 'type'; readonly name: string; readonly type: TypeNode; readonly location: SourceLocation }
  | { readonly kind: 'value'; readonly name: string; readonly type: TypeNode; readonly value: ValueNode; readonly location: SourceLocation }
  | { readonly kind: 'class'; readonly name: string; readonly fields: readonly ClassFieldNode[]; readonly syntax: readonly SyntaxItem[] | undefined; readonly location: SourceLocation }
  /** `name CLASS ::= { … }`: an object or an object set, told apart by the name's case. */
  | { readonly kind: 'object'; readonly name: string; readonly className: string; readonly body: readonly Token2[]; readonly location: SourceLocation }
  | { readonly kind: 'objectSet'; readonly name: string; readonly className: string; readonly body: readonly Token2[]; readonly location: SourceLocation };

/** A token as kept for later interpretation (object and object-set bodies). */
export interface Token2 {
  readonly kind: string;
  readonly text: string;
  readonly location: SourceLocation;
}

export interface ClassFieldNode {
  readonly name: string; // with the &
  /** Type field (&Type) has no type; a fixed-type value field (&id OBJECT IDENTIFIER) has one. */
  readonly type: TypeNode | undefined;
  readonly unique: boolean;
  readonly optional: boolean;
  readonly location: SourceLocation;
}

/** WITH SYNTAX: literal words, field references and optional groups. */
export type SyntaxItem = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'field'; readonly name: string } | { readonly kind: 'optional'; readonly items: readonly SyntaxItem[] };

export interface SizeRange {
  readonly min: ValueNode | 'MIN' | 'MAX' | undefined;
  readonly max: ValueNode | 'MIN' | 'MAX' | undefined;
}

export interface ConstraintNode {
  readonly size?: SizeRange;
  readonly range?: SizeRange;
  readonly containing?: TypeNode;
  /** Table constraint `{Set}` or `{Set}{@component}`. */
  readonly table?: { readonly set: string; readonly atComponent: string | undefined; readonly location: SourceLocation };
  readonly extensible?: boolean;
}

export interface ComponentNode {
  readonly name: string;
  readonly type: TypeNode;
  readonly optional: boolean;
  readonly defaultValue: ValueNode | undefined;
  /** After the extension marker (an extension addition). */
  readonly extension: boolean;
  readonly location: SourceLocation;
}

export interface NamedNumberNode {
  readonly name: string;
  readonly value: ValueNode;
  readonly location: SourceLocation;
}

export type TypeNode = (
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'integer'; readonly namedNumbers: readonly NamedNumberNode[] }
  | { readonly kind: 'enumerated'; readonly items: readonly { readonly name: string; readonly value: ValueNode | undefined; readonly location: SourceLocation }[]; readonly extensible: boolean }
  | { readonly kind: 'bitString'; readonly namedBits: readonly NamedNumberNode[] }
  | { readonly kind: 'sequence' | 'set'; readonly components: readonly ComponentNode[]; readonly componentsOf: readonly { readonly type: TypeNode; readonly index: number }[]; readonly extensible: boolean }
  | { readonly kind: 'sequenceOf' | 'setOf'; readonly element: TypeNode }
  | { readonly kind: 'choice'; readonly alternatives: readonly ComponentNode[]; readonly extensible: boolean }
  | { readonly kind: 'any'; readonly definedBy: string | undefined }
  | { readonly kind: 'tagged'; readonly tagClass: TagClassName; readonly number: ValueNode; readonly mode: 'EXPLICIT' | 'IMPLICIT' | undefined; readonly inner: TypeNode }
  | { readonly kind: 'reference'; readonly module: string | undefined; readonly name: string }
  | { readonly kind: 'classField'; readonly className: string; readonly field: string }
) & { readonly location: SourceLocation; readonly constraints: readonly ConstraintNode[] };

export type ValueNode =
  | { readonly kind: 'number'; readonly value: bigint; readonly location: SourceLocation }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly location: SourceLocation }
  | { readonly kind: 'null'; readonly location: SourceLocation }
  | { readonly kind: 'cstring'; readonly value: string; readonly location: SourceLocation }
  | { readonly kind: 'bstring' | 'hstring'; readonly value: string; readonly location: SourceLocation }
  | { readonly kind: 'reference'; readonly module: string | undefined; readonly name: string; readonly location: SourceLocation }
  /** `{ … }`: an OBJECT IDENTIFIER, a named-bit list or a SEQUENCE value; interpreted once the type is known. */
  | { readonly kind: 'braced'; readonly items: readonly BracedItem[]; readonly location: SourceLocation };

export type BracedItem =
  | { readonly kind: 'name'; readonly name: string; readonly location: SourceLocation }
  | { readonly kind: 'number'; readonly value: bigint; readonly location: SourceLocation }
  | { readonly kind: 'nameAndNumber'; readonly name: string; readonly value: ValueNode; readonly location: SourceLocation }
  | { readonly kind: 'named'; readonly name: string; readonly value: ValueNode; readonly location: SourceLocation };
