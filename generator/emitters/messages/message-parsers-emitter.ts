import type { MessagesIR } from '../../ir.js';
import { generatedBanner, type Emitter } from '../emitter.js';
import { validatorName } from './message-validators-emitter.js';

/** `parseX`, `isX` and the descriptor table, the entry point `jpkigen/messages`. */
export const messageParsersEmitter: Emitter<MessagesIR> = {
  name: 'message-parsers',
  emit(ir, context) {
    const content = context.renderTemplate('messages/index.ts.hbs', {
      banner: generatedBanner('spec/messages'),
      runtimeImport: context.runtimeImport,
      messages: ir.messages.map((message) => ({ ...message, validator: validatorName(message) })),
    });
    return [{ path: 'messages/index.ts', language: 'typescript', content }];
  },
};
