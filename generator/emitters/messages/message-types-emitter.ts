import type { MessagesIR } from '../../ir.js';
import { addNamedType, createDeclarationFile } from '../../printer/declarations.js';
import { generatedBanner, type Emitter } from '../emitter.js';

/** TypeScript types for every message design and its named definitions. */
export const messageTypesEmitter: Emitter<MessagesIR> = {
  name: 'message-types',
  emit(ir) {
    const file = createDeclarationFile('types.ts');
    for (const message of ir.messages) {
      addNamedType(file, message);
      for (const definition of message.definitions) addNamedType(file, definition);
    }
    return [{ path: 'messages/types.ts', language: 'typescript', content: generatedBanner('spec/messages') + file.getFullText() }];
  },
};
