/**
 * The examples of one APDU table run through the generic dispatcher and builder: each example is
 * dispatched to its named command and built back to the same bytes; each invalid example is
 * refused with the status word it names. The generated vitest cases assert the same per example.
 */
import { buildCommand, bytesToHex, dispatchCommand, hexToBytes, type CommandTable } from '../../runtime/index.js';

export interface ApduExample {
  readonly description: string;
  readonly apdu: string;
  readonly command: string;
}

export interface InvalidApduExample {
  readonly description: string;
  readonly apdu: string;
  readonly sw: string;
}

export interface ApduExampleResult {
  readonly dispatched: number;
  readonly refusedAsExpected: number;
  readonly failures: readonly string[];
}

export function checkApduExamples(table: CommandTable, examples: readonly ApduExample[], invalidExamples: readonly InvalidApduExample[]): ApduExampleResult {
  const failures: string[] = [];
  let dispatched = 0;
  for (const example of examples) {
    const failure = checkExample(table, example);
    if (failure === undefined) dispatched += 1;
    else failures.push(`${example.description}: ${failure}`);
  }
  let refusedAsExpected = 0;
  for (const example of invalidExamples) {
    const result = dispatchCommand(table, hexToBytes(example.apdu));
    const sw = result.ok ? undefined : result.sw.toString(16).toUpperCase().padStart(4, '0');
    if (sw === example.sw.toUpperCase()) refusedAsExpected += 1;
    else failures.push(`${example.description}: expected SW ${example.sw}, got ${sw ?? `command ${result.ok ? result.command.name : ''}`}`);
  }
  return { dispatched, refusedAsExpected, failures };
}

function checkExample(table: CommandTable, example: ApduExample): string | undefined {
  const result = dispatchCommand(table, hexToBytes(example.apdu));
  if (!result.ok) return `refused with ${result.sw.toString(16).toUpperCase()}: ${result.reason}`;
  if (result.command.name !== example.command) return `dispatched to ${result.command.name}, not ${example.command}`;
  const rebuilt = bytesToHex(buildCommand(table, example.command, result.command.fields, { ...(result.channel === 0 ? {} : { channel: result.channel }), extended: result.apdu.extended }));
  return rebuilt === example.apdu.toUpperCase() ? undefined : `rebuilt as ${rebuilt}`;
}
