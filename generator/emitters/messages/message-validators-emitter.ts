import Ajv2020Module from 'ajv/dist/2020.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import type { MessageIR, MessagesIR } from '../../ir.js';
import { generatedBanner, type Emitter } from '../emitter.js';

// ajv ships CommonJS; under NodeNext the callable sits on `.default`.
const Ajv2020 = Ajv2020Module.default;
const standaloneCode = standaloneCodeModule.default;
const addFormats = addFormatsModule.default;

/**
 * Validators compiled at generate time into ajv standalone ES module code, so the generated
 * package never compiles a schema at run time.
 */
export const messageValidatorsEmitter: Emitter<MessagesIR> = {
  name: 'message-validators',
  emit(ir, context) {
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      discriminator: true,
      inlineRefs: false,
      code: { source: true, esm: true, lines: true },
    });
    addFormats(ajv);
    for (const message of ir.messages) ajv.addSchema(message.validationSchema);
    const exports = Object.fromEntries(ir.messages.map((message) => [validatorName(message), message.schemaId]));
    const code = withRequire(standaloneCode(ajv, exports));
    const declarations = ir.messages.map((message) => `export declare const ${validatorName(message)}: CompiledValidator;`);
    return [
      // ajv's code, one statement a line, is left as ajv writes it: formatting half a megabyte
      // of it would cost more than the rest of the generation together.
      { path: 'messages/validators.js', language: 'javascript', content: generatedBanner('spec/messages') + code, preformatted: true },
      {
        path: 'messages/validators.d.ts',
        language: 'typescript',
        content: `${generatedBanner('spec/messages')}import type { CompiledValidator } from '${context.runtimeImport}';\n${declarations.join('\n')}\n`,
      },
    ];
  },
};

export function validatorName(message: MessageIR): string {
  return `validate${message.name}`;
}

/**
 * ajv's standalone output reaches its runtime helpers (unicode length, formats) through
 * `require`, which an ES module lacks; give it one bound to this module, so the helpers
 * resolve as ajv intends under Node and under bundlers' CommonJS interop alike.
 */
function withRequire(code: string): string {
  const body = code.replace(/^"use strict";\n?/, '');
  if (!body.includes('require(')) return body;
  return `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${body}`;
}
