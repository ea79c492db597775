/**
 * LOAD (GPCS 2.3.1 §11.6): blocks numbered from 00 in strict sequence, the last with P1 80. The
 * assembled Load File is split into DAP blocks and the Load File Data Block, whose hash must equal
 * the one INSTALL [for load] announced; then the OPEN registers the load file and its modules.
 */
import { createHash } from 'node:crypto';
import { concatBytes, constantTimeEqual, type ResponseApdu } from '../../../runtime/index.js';
import type { LoadFields } from '../../../generated/apdu/global-platform.js';
import { LoadFileError, parseLoadFile, parseLoadFileDataBlock } from '../load-file.js';
import { contentPreconditions, noConfirmation, status, SW, type CommandScope } from './command-scope.js';
import { HASH_ALGORITHM_BY_LENGTH } from './install.js';

/** Largest Load File the simulated SE takes (its "non-volatile memory"); beyond it LOAD answers 6A84. */
export const MAX_LOAD_FILE_LENGTH = 512 * 1024;

export function load(scope: CommandScope, fields: LoadFields): ResponseApdu {
  const refused = contentPreconditions(scope);
  if (refused !== undefined) return refused;
  const pending = scope.channel.load;
  if (pending === undefined) return status(SW.conditionsNotSatisfied);
  if (fields.blockNumber !== pending.nextBlock) {
    scope.channel.load = undefined;
    return status(SW.incorrectP1P2);
  }
  if (pending.received + fields.loadFileBlock.length > MAX_LOAD_FILE_LENGTH) {
    scope.channel.load = undefined;
    return status(SW.notEnoughMemory);
  }
  pending.blocks.push(fields.loadFileBlock.slice());
  pending.received += fields.loadFileBlock.length;
  pending.nextBlock += 1;
  if (!fields.lastBlock) {
    // Block numbers are one byte: a 257th block cannot be numbered.
    if (pending.nextBlock > 0xff) {
      scope.channel.load = undefined;
      return status(SW.notEnoughMemory);
    }
    return noConfirmation();
  }
  // The combined INSTALL [for load, install and make selectable] keeps the load state for its last command.
  if (!pending.combined) scope.channel.load = undefined;
  return completeLoad(scope, concatBytes(...pending.blocks), pending.loadFileAid, pending.associatedSdAid, pending.expectedHash);
}

function completeLoad(scope: CommandScope, loadFile: Uint8Array, loadFileAid: Uint8Array, associatedSdAid: Uint8Array, expectedHash: Uint8Array): ResponseApdu {
  let parsed;
  let content;
  try {
    parsed = parseLoadFile(loadFile);
    content = parseLoadFileDataBlock(parsed.loadFileDataBlock);
  } catch (error) {
    if (error instanceof LoadFileError) return status(SW.incorrectData);
    throw error;
  }
  if (expectedHash.length > 0) {
    const algorithm = HASH_ALGORITHM_BY_LENGTH[expectedHash.length] ?? 'sha256';
    const actual = new Uint8Array(createHash(algorithm).update(parsed.loadFileDataBlock).digest());
    if (!constantTimeEqual(actual, expectedHash)) return status(SW.incorrectData);
  }
  const { registry } = scope.host;
  // The Load File must be the one INSTALL [for load] announced, and its modules' AIDs must be free.
  if (!sameBytes(content.packageAid, loadFileAid)) return status(SW.incorrectData);
  if (registry.aidInUse(loadFileAid) || content.modules.some((module) => registry.aidInUse(module))) return status(SW.incorrectData);
  registry.addLoadFile({ aid: loadFileAid, version: content.version, modules: content.modules, associatedSdAid });
  scope.context.markChanged();
  return noConfirmation();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
