import { asn1CodecEmitter, asn1ConformanceEmitter } from '../../emitters/asn1/asn1-emitter.js';
import { readAsn1Modules } from '../../readers/asn1/asn1-reader.js';
import type { Asn1IR } from '../../readers/asn1/asn1-ir.js';
import { kindGenerator } from './kind-generator.js';

export const asn1Kind = kindGenerator<Asn1IR>({
  read: (sources) => readAsn1Modules(sources.map((source) => ({ file: source.file, text: source.text }))),
  emitters: [asn1CodecEmitter, asn1ConformanceEmitter],
  summarize: (ir) => ({
    modules: ir.modules.length,
    types: ir.modules.reduce((total, module) => total + module.types.length, 0),
    registries: ir.modules.reduce((total, module) => total + module.registries.length, 0),
    testVectors: ir.modules.reduce((total, module) => total + module.tests.length, 0),
  }),
});
