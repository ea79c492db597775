/**
 * Replays an SCP03 vector file against our secure channel, playing either end:
 * - host: build INITIALIZE UPDATE / EXTERNAL AUTHENTICATE, wrap commands and unwrap responses,
 *   and compare every byte with the file;
 * - card: answer the file's host commands as a security domain would, produce the same
 *   INITIALIZE UPDATE response and protected responses, and recover the same plain commands.
 * Unit files (SCP03-KDF, SCP03-UNITS) run the same checks on either side.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { constantTimeEqual } from '../../runtime/bytes.js';
import { encodeResponseApdu } from '../../runtime/apdu/command-apdu.js';
import { bytesToHex } from '../../runtime/hex.js';
import {
  aesCmac,
  computeCardCryptogram,
  computeHostCryptogram,
  computeResponseMac,
  deriveScp03Data,
  AesCmac,
  parseInitializeUpdateResponse,
  Scp03CardSession,
  Scp03Error,
  Scp03HostSession,
  type CardSessionOptions,
  type InitializeUpdateResponse,
} from '../../runtime/scp03/index.js';
import {
  parseScp03VectorFile,
  VectorFileError,
  type Scp03KdfFile,
  type Scp03SessionFile,
  type Scp03SessionStep,
  type Scp03UnitVector,
  type Scp03UnitsFile,
  type Scp03VectorFile,
} from './vector-file.js';

export type Scp03Side = 'host' | 'card';

export interface Scp03ReplayCheck {
  /** Where in the file the check comes from, e.g. "/steps/2 wrapCommand". */
  readonly step: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface Scp03ReplayResult {
  readonly file?: string;
  readonly name?: string;
  readonly protocol?: string;
  readonly side: Scp03Side;
  readonly passed: boolean;
  readonly checks: readonly Scp03ReplayCheck[];
}

export interface Scp03ReplayOptions {
  /** The file's path or name, echoed in the result. */
  readonly file?: string;
}


/** A response APDU: data, then the status word. */
function withSw(data: Uint8Array, sw: number): Uint8Array {
  return encodeResponseApdu({ data, sw });
}

/** A comparison of test-vector values (public data, so showing both sides is fine). */
function compare(step: string, what: string, expected: Uint8Array, actual: Uint8Array): Scp03ReplayCheck {
  return constantTimeEqual(expected, actual) ? { step, ok: true } : { step, ok: false, detail: `${what} differs: expected ${bytesToHex(expected)}, got ${bytesToHex(actual)}` };
}

function describeError(error: unknown): string {
  if (error instanceof Scp03Error) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function finish(base: { file?: string | undefined; name?: string | undefined; protocol?: string | undefined; side: Scp03Side }, checks: Scp03ReplayCheck[]): Scp03ReplayResult {
  return {
    ...(base.file === undefined ? {} : { file: base.file }),
    ...(base.name === undefined ? {} : { name: base.name }),
    ...(base.protocol === undefined ? {} : { protocol: base.protocol }),
    side: base.side,
    passed: checks.length > 0 && checks.every((check) => check.ok),
    checks,
  };
}

/** Replays one parsed JSON document. Never throws: a malformed file is a failed result naming the field. */
export function replayScp03VectorFile(json: unknown, side: Scp03Side, options: Scp03ReplayOptions = {}): Scp03ReplayResult {
  let vectors: Scp03VectorFile;
  try {
    vectors = parseScp03VectorFile(json);
  } catch (error) {
    const detail = error instanceof VectorFileError ? `malformed vector file: ${error.message}` : `malformed vector file: ${describeError(error)}`;
    return finish({ file: options.file, side }, [{ step: 'parse', ok: false, detail }]);
  }
  const base = { file: options.file, name: vectors.name, protocol: vectors.protocol, side };
  try {
    switch (vectors.protocol) {
      case 'SCP03':
        return finish(base, side === 'host' ? replayHost(vectors) : replayCard(vectors));
      case 'SCP03-KDF':
        return finish(base, replayKdf(vectors));
      case 'SCP03-UNITS':
        return finish(base, replayUnits(vectors));
    }
  } catch (error) {
    // Every step guards itself; this only catches a defect in the replay engine.
    return finish(base, [{ step: 'replay', ok: false, detail: `replay failed: ${describeError(error)}` }]);
  }
}

/** Replays JSON text, turning a syntax error into a failed result. */
export function replayScp03VectorText(text: string, side: Scp03Side, options: Scp03ReplayOptions = {}): Scp03ReplayResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return finish({ file: options.file, side }, [{ step: 'parse', ok: false, detail: `not JSON: ${describeError(error)}` }]);
  }
  return replayScp03VectorFile(json, side, options);
}

/** Reads and replays files in order; an unreadable file is a failed result. */
export async function replayScp03VectorFiles(files: readonly string[], side: Scp03Side): Promise<Scp03ReplayResult[]> {
  const results: Scp03ReplayResult[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      results.push(finish({ file, side }, [{ step: 'read', ok: false, detail: `cannot read ${path.basename(file)}: ${describeError(error)}` }]));
      continue;
    }
    results.push(replayScp03VectorText(text, side, { file }));
  }
  return results;
}

function stepLabel(step: Scp03SessionStep): string {
  return `${step.pointer} ${step.op}`;
}

/** Runs steps in order; once one throws, the channel is gone and the rest are reported as not run. */
function runSteps(steps: readonly Scp03SessionStep[], run: (step: Scp03SessionStep) => Scp03ReplayCheck[]): Scp03ReplayCheck[] {
  const checks: Scp03ReplayCheck[] = [];
  let stoppedAt: string | undefined;
  for (const step of steps) {
    if (stoppedAt !== undefined) {
      checks.push({ step: stepLabel(step), ok: false, detail: `not run: the channel ended at ${stoppedAt}` });
      continue;
    }
    try {
      checks.push(...run(step));
    } catch (error) {
      checks.push({ step: stepLabel(step), ok: false, detail: describeError(error) });
      stoppedAt = step.pointer;
    }
  }
  return checks;
}

function replayHost(file: Scp03SessionFile): Scp03ReplayCheck[] {
  let host: Scp03HostSession;
  try {
    host = new Scp03HostSession({
      keys: file.keys,
      keyVersion: file.keys.kvn,
      securityLevel: file.securityLevel,
      hostChallenge: file.hostChallenge,
      ...(file.sdAid === undefined ? {} : { sdAid: file.sdAid }),
    });
  } catch (error) {
    return [{ step: 'session', ok: false, detail: describeError(error) }];
  }
  try {
    return runSteps(file.steps, (step) => {
      const label = stepLabel(step);
      switch (step.op) {
        case 'initializeUpdate': {
          const built = compare(label, 'INITIALIZE UPDATE command', step.command, host.buildInitializeUpdate());
          host.processInitializeUpdateResponse(withSw(step.response, step.sw));
          return [built, { step: `${label} card cryptogram`, ok: true }];
        }
        case 'externalAuthenticate': {
          const built = compare(label, 'EXTERNAL AUTHENTICATE command', step.command, host.buildExternalAuthenticate());
          host.processExternalAuthenticateResponse(withSw(new Uint8Array(0), step.sw));
          return [built];
        }
        case 'wrapCommand':
          return [compare(label, 'wrapped command', step.wrapped, host.wrapCommand(step.plain))];
        case 'unwrapResponse':
          return [compare(label, 'plain response', withSw(step.plain, step.sw), host.unwrapResponse(withSw(step.protectedData, step.sw)))];
      }
    });
  } finally {
    host.close();
  }
}

/**
 * The card is configured from what a card holds and the file records: keys and KVN, and from the
 * INITIALIZE UPDATE response the key diversification data, "i" and the sequence counter (the
 * counter before that command is one less). The card challenge is derived from `sdAid` when the
 * file names one, otherwise injected from the recorded response; the cryptogram is always computed.
 */
function cardOptions(file: Scp03SessionFile, recorded: InitializeUpdateResponse): CardSessionOptions {
  const derive = file.sdAid !== undefined && recorded.parameters.pseudoRandomChallenge;
  return {
    keys: file.keys,
    keyVersion: file.keys.kvn,
    i: recorded.i,
    keyDiversificationData: recorded.keyDiversificationData,
    ...(recorded.sequenceCounter === undefined ? {} : { sequenceCounter: Math.max(0, recorded.sequenceCounter - 1) }),
    ...(derive && file.sdAid !== undefined ? { sdAid: file.sdAid } : { cardChallenge: recorded.cardChallenge }),
  };
}

function replayCard(file: Scp03SessionFile): Scp03ReplayCheck[] {
  const first = file.steps[0];
  if (first?.op !== 'initializeUpdate') {
    return [{ step: '/steps/0', ok: false, detail: 'a card-side replay needs an initializeUpdate step first' }];
  }
  let card: Scp03CardSession;
  try {
    card = new Scp03CardSession(cardOptions(file, parseInitializeUpdateResponse(first.response)));
  } catch (error) {
    return [{ step: `${first.pointer}/response`, ok: false, detail: `cannot configure the card from the recorded response: ${describeError(error)}` }];
  }
  try {
    return runSteps(file.steps, (step) => {
      const label = stepLabel(step);
      switch (step.op) {
        case 'initializeUpdate':
          return [compare(label, 'INITIALIZE UPDATE response', withSw(step.response, step.sw), card.processInitializeUpdate(step.command))];
        case 'externalAuthenticate':
          return [compare(label, 'EXTERNAL AUTHENTICATE response', withSw(new Uint8Array(0), step.sw), card.processExternalAuthenticate(step.command))];
        case 'wrapCommand':
          return [compare(label, 'recovered plain command', step.plain, card.unwrapCommand(step.wrapped))];
        case 'unwrapResponse':
          return [compare(label, 'protected response', withSw(step.protectedData, step.sw), card.wrapResponse(withSw(step.plain, step.sw)))];
      }
    });
  } finally {
    card.dispose();
  }
}

function guarded(step: string, check: () => Scp03ReplayCheck): Scp03ReplayCheck {
  try {
    return check();
  } catch (error) {
    return { step, ok: false, detail: describeError(error) };
  }
}

function replayKdf(file: Scp03KdfFile): Scp03ReplayCheck[] {
  return file.vectors.map((vector) =>
    guarded(vector.pointer, () => compare(vector.pointer, 'derived data', vector.output, deriveScp03Data(vector.key, vector.constant, vector.context, vector.lengthBits))),
  );
}

function compareOutput(step: string, what: string, expected: { bytes: Uint8Array; prefixOnly: boolean }, actual: Uint8Array): Scp03ReplayCheck {
  return compare(step, what, expected.bytes, expected.prefixOnly ? actual.subarray(0, expected.bytes.length) : actual);
}

function replayUnit(vector: Scp03UnitVector): Scp03ReplayCheck[] {
  const step = `${vector.pointer} ${vector.kind}`;
  switch (vector.kind) {
    case 'hostCryptogram':
    case 'cardCryptogram': {
      const named = vector.kind === 'hostCryptogram' ? computeHostCryptogram : computeCardCryptogram;
      const checks = [compareOutput(step, vector.kind, vector.output, named(vector.sMac, vector.hostChallenge, vector.cardChallenge))];
      if (vector.constant !== undefined || vector.lengthBits !== undefined) {
        // The file also spells out the KDF parameters: check the generic derivation agrees.
        const context = new Uint8Array([...vector.hostChallenge, ...vector.cardChallenge]);
        const constant = vector.constant ?? (vector.kind === 'hostCryptogram' ? 0x01 : 0x00);
        const lengthBits = vector.lengthBits ?? vector.hostChallenge.length * 8;
        checks.push(compareOutput(`${step} via KDF`, 'derived data', vector.output, deriveScp03Data(vector.sMac, constant, context, lengthBits)));
      }
      return checks;
    }
    case 'commandMac':
      return [compareOutput(step, 'C-MAC', vector.output, aesCmac(vector.sMac, new Uint8Array([...vector.macChainingValue, ...vector.input])))];
    case 'responseMac': {
      const cmac = new AesCmac(vector.sRmac);
      try {
        return [compareOutput(step, 'R-MAC', vector.output, computeResponseMac(cmac, vector.macChainingValue, vector.data, vector.sw))];
      } finally {
        cmac.dispose();
      }
    }
  }
}

function replayUnits(file: Scp03UnitsFile): Scp03ReplayCheck[] {
  return file.vectors.flatMap((vector) => {
    try {
      return replayUnit(vector);
    } catch (error) {
      return [{ step: `${vector.pointer} ${vector.kind}`, ok: false, detail: describeError(error) }];
    }
  });
}
