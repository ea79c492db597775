import { IndentationText, NewLineKind, Project, QuoteKind, type SourceFile } from 'ts-morph';
import type { NamedTypeIR } from '../ir.js';
import { docText, printType, propertyKey } from './type-printer.js';

/**
 * Declarations are built with ts-morph rather than string concatenation, so names, docs and
 * optional markers are always well-formed TypeScript.
 */
export function createDeclarationFile(fileName: string): SourceFile {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Single,
    },
  });
  return project.createSourceFile(fileName);
}

/** Adds a named type: an interface when it is a plain object, a type alias otherwise. */
export function addNamedType(file: SourceFile, named: NamedTypeIR): void {
  const doc = docText(named.description, named.provenance);
  const docs = doc === undefined ? [] : [doc];
  const { type } = named;
  if (type.kind === 'object' && (type.properties.length > 0 || type.additionalProperties !== false)) {
    file.addInterface({
      name: named.name,
      isExported: true,
      docs,
      properties: type.properties.map((property) => {
        const propertyDoc = docText(property.description, property.provenance);
        return {
          name: propertyKey(property.name),
          type: printType(property.type),
          hasQuestionToken: !property.required,
          docs: propertyDoc === undefined ? [] : [propertyDoc],
        };
      }),
      indexSignatures:
        type.additionalProperties === false
          ? []
          : [{ keyName: 'key', keyType: 'string', returnType: printType(type.additionalProperties) }],
    });
    return;
  }
  file.addTypeAlias({ name: named.name, isExported: true, docs, type: printType(type) });
}
