import { messageConformanceEmitter } from '../../emitters/messages/message-conformance-emitter.js';
import { messageParsersEmitter } from '../../emitters/messages/message-parsers-emitter.js';
import { messageTypesEmitter } from '../../emitters/messages/message-types-emitter.js';
import { messageValidatorsEmitter } from '../../emitters/messages/message-validators-emitter.js';
import { readMessages } from '../../readers/messages-reader.js';
import type { MessagesIR } from '../../ir.js';
import { kindGenerator } from './kind-generator.js';

export const messagesKind = kindGenerator<MessagesIR>({
  read: readMessages,
  emitters: [messageTypesEmitter, messageValidatorsEmitter, messageParsersEmitter, messageConformanceEmitter],
  summarize: (ir) => ({
    types: ir.messages.length,
    examples: ir.messages.reduce((total, message) => total + message.examples.length, 0),
    invalidExamples: ir.messages.reduce((total, message) => total + message.invalidExamples.length, 0),
  }),
});
