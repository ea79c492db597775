import type { ApduTableIR, ApduTablesIR, NamedTypeIR } from '../../ir.js';
import { addNamedType, createDeclarationFile } from '../../printer/declarations.js';
import { docText, printType } from '../../printer/type-printer.js';
import { generatedBanner, type EmitContext, type Emitter } from '../emitter.js';

/** Per command table: typed builders, response parsers, the dispatcher and the constants (`jpkigen/apdu`). */
export const apduEmitter: Emitter<ApduTablesIR> = {
  name: 'apdu',
  emit(ir, context) {
    const files = ir.tables.map((table) => ({
      path: `apdu/${moduleName(table.name)}.ts`,
      language: 'typescript' as const,
      content: emitTable(table, context),
    }));
    const index = context.renderTemplate('apdu/index.ts.hbs', {
      banner: generatedBanner('spec/apdu'),
      tables: ir.tables.map((table) => ({ variable: lowerFirst(table.name), module: moduleName(table.name) })),
    });
    return [...files, { path: 'apdu/index.ts', language: 'typescript', content: index }];
  },
};

/** Generated cases: every example dispatched and rebuilt, every invalid example refused. */
export const apduConformanceEmitter: Emitter<ApduTablesIR> = {
  name: 'apdu-conformance',
  emit(ir, context) {
    const content = context.renderTemplate('conformance/apdu.test.ts.hbs', {
      banner: generatedBanner('spec/apdu'),
      runtimeImport: context.runtimeImport,
      tables: ir.tables.map((table) => ({ ...table, variable: lowerFirst(table.name), module: moduleName(table.name) })),
    });
    return [{ path: 'conformance/apdu.test.ts', language: 'typescript', content }];
  },
};

function emitTable(table: ApduTableIR, context: EmitContext): string {
  const declarations = createDeclarationFile('types.ts');
  const named: NamedTypeIR[] = [...table.enumTypes, ...table.structureTypes];
  const location = { file: table.file, line: 1, column: 1 };
  for (const command of table.commands) {
    named.push({ name: `${upperFirst(command.name)}Fields`, description: `What ${command.name} carries: P1-P2 fields, data fields and Le.`, provenance: undefined, type: command.fields, location });
    if (command.responseFields !== undefined) {
      named.push({ name: `${upperFirst(command.name)}ResponseFields`, description: `The response data of ${command.name}.`, provenance: undefined, type: command.responseFields, location });
    }
  }
  named.push({
    name: `${table.name}Command`,
    description: `A decoded ${table.name} command, as the dispatcher returns it.`,
    provenance: undefined,
    type: {
      kind: 'union',
      members: table.commands.map((command) => ({
        kind: 'object',
        properties: [
          { name: 'name', type: { kind: 'literal', value: command.name }, required: true, description: undefined, provenance: undefined },
          { name: 'fields', type: { kind: 'reference', name: `${upperFirst(command.name)}Fields` }, required: true, description: undefined, provenance: undefined },
        ],
        additionalProperties: false,
      })),
    },
    location,
  });
  for (const type of named) addNamedType(declarations, type);
  return context.renderTemplate('apdu/table.ts.hbs', {
    banner: generatedBanner(table.file),
    runtimeImport: context.runtimeImport,
    declarations: declarations.getFullText(),
    name: table.name,
    variable: lowerFirst(table.name),
    description: table.description.trim(),
    provenanceText: provenanceText(table.provenance),
    file: table.file,
    table: table.table,
    statusWordsByName: Object.fromEntries(table.table.statusWords.map((entry) => [entry.name, entry.sw])),
    applications: table.applications,
    tokenProfiles: table.tokenProfiles,
    files: table.files,
    commands: table.commands.map((command) => ({
      ...command,
      description: command.description.trim(),
      provenanceText: provenanceText(command.provenance),
      builderName: RESERVED.has(command.name) ? `${command.name}Command` : command.name,
      typeName: upperFirst(command.name),
      fieldsType: printType({ kind: 'reference', name: `${upperFirst(command.name)}Fields` }),
      responseFieldsType: command.responseFields === undefined ? undefined : `${upperFirst(command.name)}ResponseFields`,
    })),
  });
}

/** JavaScript reserved words a command may be named after (GP has `delete`). */
const RESERVED = new Set(['delete', 'new', 'case', 'default', 'export', 'import', 'function', 'return', 'switch', 'void', 'with', 'in', 'do', 'if', 'for', 'while', 'class', 'const', 'let', 'var', 'this', 'super', 'throw', 'try', 'catch', 'finally', 'typeof', 'instanceof', 'yield', 'await', 'enum', 'extends', 'break', 'continue', 'debugger', 'null', 'true', 'false']);

function provenanceText(provenance: ApduTableIR['provenance']): string {
  return docText(undefined, provenance)?.replace(/^@provenance /, '') ?? '';
}

function moduleName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
