import { apduConformanceEmitter, apduEmitter } from '../../emitters/apdu/apdu-emitter.js';
import { readApduTables } from '../../readers/apdu-reader.js';
import type { ApduTablesIR } from '../../ir.js';
import { kindGenerator } from './kind-generator.js';

export const apduKind = kindGenerator<ApduTablesIR>({
  read: readApduTables,
  emitters: [apduEmitter, apduConformanceEmitter],
  summarize: (ir) => ({
    tables: ir.tables.length,
    commands: ir.tables.reduce((total, table) => total + table.commands.length, 0),
    examples: ir.tables.reduce((total, table) => total + table.examples.length + table.invalidExamples.length, 0),
  }),
});
