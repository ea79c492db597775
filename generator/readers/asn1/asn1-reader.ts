/** The ASN.1 reader: X.680 module texts → IR. */
import { SpecError } from '../../spec-error.js';
import type { Asn1IR } from './asn1-ir.js';
import { parseModules } from './asn1-parser.js';
import { resolveModules } from './asn1-resolver.js';

export interface Asn1Source {
  /** Path as errors show it. */
  readonly file: string;
  readonly text: string;
}

export function readAsn1Modules(sources: readonly Asn1Source[]): Asn1IR {
  if (sources.length === 0) throw new SpecError('SPEC_INVALID', { file: '<none>', line: 1, column: 1 }, 'at least one ASN.1 module file');
  return resolveModules(sources.map((source) => ({ file: source.file, modules: parseModules(source.file, source.text) })));
}
