import type { MessagesIR } from '../../ir.js';
import { generatedBanner, type Emitter } from '../emitter.js';

/** A vitest case for every example and invalid example written into the message designs. */
export const messageConformanceEmitter: Emitter<MessagesIR> = {
  name: 'message-conformance',
  emit(ir, context) {
    const content = context.renderTemplate('conformance/messages.test.ts.hbs', {
      banner: generatedBanner('spec/messages'),
      runtimeImport: context.runtimeImport,
      messages: ir.messages,
    });
    return [{ path: 'conformance/messages.test.ts', language: 'typescript', content }];
  },
};
