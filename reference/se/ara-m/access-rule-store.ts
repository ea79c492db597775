/**
 * The ARA-M's persistent part: the rules in the order they were stored, and the refresh tag the
 * Access Control Enforcer compares to decide whether to read them again. Every operation answers the
 * status word SEAC v1.1 §5.1 gives it; a refused command leaves rules and tag exactly as they were.
 */
import { randomBytes } from 'node:crypto';
import type { ArDo, CommandDeleteArDo, CommandStoreArDo, RefArDo, RefDo } from '../../../generated/apdu/ara-m.js';
import { bytesToHex, constantTimeEqual, hexToBytes, JpkigenError } from '../../../runtime/index.js';
import {
  AccessRuleDataError,
  canonicalArDo,
  canonicalRefDo,
  checkArDo,
  checkRefDo,
  decodeAs,
  encodeArDo,
  encodeRefDo,
  refDoKey,
  singleTlv,
} from './access-rule-objects.js';

export const AraMStatus = {
  success: 0x9000,
  unknownDoDiscarded: 0x6382,
  notEnoughMemory: 0x6a84,
  referencedDataNotFound: 0x6a88,
  conflictingRule: 0x6a89,
} as const;

/** One stored rule: the decoded objects and their canonical encodings (what GET DATA sends back). */
export interface StoredRule {
  readonly key: string;
  readonly refDo: RefDo;
  readonly arDo: ArDo;
  readonly arDoBytes: Uint8Array;
}

/** The ARA-M's state as JSON-compatible data (Applet.saveState). */
export interface AccessRuleStoreState {
  readonly version: 1;
  /** 8 bytes, uppercase hex. */
  readonly refreshTag: string;
  /** Canonical REF-DO (E1) and AR-DO (E3) encodings, uppercase hex, in storage order. */
  readonly rules: readonly { readonly refDo: string; readonly arDo: string }[];
}

/** Saved state that does not decode: the SE refuses to bring the ARA-M back rather than guess rules. */
export class AraMStateError extends JpkigenError {
  constructor(message: string) {
    super('ARA_M_STATE', `ARA-M state: ${message}`);
  }
}

export interface AccessRuleStoreOptions {
  /** The most rules the ARA-M holds; a store beyond it answers 6A84. */
  readonly maxRules?: number;
  /** Source of refresh tags (8 bytes); tests may pin it. */
  readonly newRefreshTag?: () => Uint8Array;
}

export const DEFAULT_MAX_RULES = 1024;

export class AccessRuleStore {
  readonly #rules = new Map<string, StoredRule>();
  readonly #maxRules: number;
  readonly #newRefreshTag: () => Uint8Array;
  #refreshTag: Uint8Array;
  /** Bumped on every change, so a GET DATA [next] sequence knows the rules moved under it. */
  #generation = 0;

  constructor(options: AccessRuleStoreOptions = {}) {
    this.#maxRules = options.maxRules ?? DEFAULT_MAX_RULES;
    this.#newRefreshTag = options.newRefreshTag ?? (() => new Uint8Array(randomBytes(8)));
    this.#refreshTag = this.#newRefreshTag();
  }

  get refreshTag(): Uint8Array {
    return this.#refreshTag.slice();
  }

  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#rules.size;
  }

  /** The rules in storage order, as REF-AR-DOs. */
  rules(): RefArDo[] {
    return [...this.#rules.values()].map((rule) => ({ refDo: rule.refDo, arDo: rule.arDo }));
  }

  /** The stored rule under exactly this REF-DO, if any. */
  ruleFor(refDo: RefDo): StoredRule | undefined {
    return this.#rules.get(refDoKey(refDo));
  }

  /**
   * Command-Store-REF-AR-DO. Storing again the very rule already held changes nothing (9000, so a
   * TSM may retry after a lost response); a different AR-DO under an existing REF-DO is a conflict
   * (6A89) the TSM resolves by deleting first. Unknown objects beside the REF-DO are discarded (6382).
   */
  store(command: CommandStoreArDo): number {
    const { refArDo } = command;
    checkRefDo(refArDo.refDo);
    checkArDo(refArDo.arDo);
    const discarded = command.unknown !== undefined || refArDo.unknown !== undefined || refArDo.arDo.unknown !== undefined;
    const refDo = canonicalRefDo(refArDo.refDo);
    const arDo = canonicalArDo(refArDo.arDo);
    const key = refDoKey(refDo);
    const arDoBytes = encodeArDo(arDo);
    const existing = this.#rules.get(key);
    if (existing !== undefined) {
      if (!constantTimeEqual(existing.arDoBytes, arDoBytes)) return AraMStatus.conflictingRule;
      return discarded ? AraMStatus.unknownDoDiscarded : AraMStatus.success;
    }
    if (this.#rules.size >= this.#maxRules) return AraMStatus.notEnoughMemory;
    this.#rules.set(key, { key, refDo, arDo, arDoBytes });
    this.#changed();
    return discarded ? AraMStatus.unknownDoDiscarded : AraMStatus.success;
  }

  /**
   * Command-Delete: empty deletes every rule; an AID-REF-DO (4F or C0) the rules of that target; a
   * REF-DO the rule under it; a REF-AR-DO the rule only when its AR-DO matches too. Naming rules that
   * do not exist is 6A88 (deleting all of none is not an error).
   */
  delete(command: CommandDeleteArDo): number {
    const victims = this.#victims(command);
    if (victims === undefined) return AraMStatus.referencedDataNotFound;
    if (victims.length === 0) return AraMStatus.success;
    for (const key of victims) this.#rules.delete(key);
    this.#changed();
    return AraMStatus.success;
  }

  /** Command-UpdateRefreshTag-DO: a new tag without any rule change (the TSM forces enforcers to re-read). */
  updateRefreshTag(): number {
    this.#changed();
    return AraMStatus.success;
  }

  #victims(command: CommandDeleteArDo): string[] | undefined {
    const all = [...this.#rules.values()];
    let matched: StoredRule[];
    if (command.aidRefDo !== undefined) {
      const aid = bytesToHex(command.aidRefDo);
      matched = all.filter((rule) => rule.refDo.aidRefDo !== undefined && bytesToHex(rule.refDo.aidRefDo) === aid);
    } else if (command.implicitAidRefDo !== undefined) {
      matched = all.filter((rule) => rule.refDo.implicitAidRefDo !== undefined);
    } else if (command.refDo !== undefined) {
      matched = all.filter((rule) => rule.key === refDoKey(command.refDo as RefDo));
    } else if (command.refArDo !== undefined) {
      const key = refDoKey(command.refArDo.refDo);
      const arDoBytes = encodeArDo(canonicalArDo(command.refArDo.arDo));
      matched = all.filter((rule) => rule.key === key && constantTimeEqual(rule.arDoBytes, arDoBytes));
    } else {
      return all.map((rule) => rule.key);
    }
    return matched.length === 0 ? undefined : matched.map((rule) => rule.key);
  }

  #changed(): void {
    this.#generation += 1;
    // A fresh random tag, redrawn in the (unlikely) case it repeats: an enforcer must never see an
    // unchanged tag over changed rules, even across a reinstall of the ARA-M (random, not a counter).
    let tag = this.#newRefreshTag();
    while (constantTimeEqual(tag, this.#refreshTag)) tag = this.#newRefreshTag();
    this.#refreshTag = tag;
  }

  saveState(): AccessRuleStoreState {
    return {
      version: 1,
      refreshTag: bytesToHex(this.#refreshTag),
      rules: [...this.#rules.values()].map((rule) => ({ refDo: bytesToHex(encodeRefDo(rule.refDo)), arDo: bytesToHex(rule.arDoBytes) })),
    };
  }

  static restore(state: unknown, options: AccessRuleStoreOptions = {}): AccessRuleStore {
    const store = new AccessRuleStore(options);
    if (state === null || typeof state !== 'object') throw new AraMStateError('expected an object');
    const record = state as Record<string, unknown>;
    if (record['version'] !== 1) throw new AraMStateError(`unknown version ${String(record['version'])}`);
    const refreshTag = hexField(record['refreshTag'], 'refreshTag');
    if (refreshTag.length !== 8) throw new AraMStateError(`refreshTag must be 8 bytes, got ${refreshTag.length}`);
    const rules = record['rules'];
    if (!Array.isArray(rules)) throw new AraMStateError('rules must be a list');
    rules.forEach((entry: unknown, index) => {
      if (entry === null || typeof entry !== 'object') throw new AraMStateError(`rules[${index}] must be an object`);
      const item = entry as Record<string, unknown>;
      try {
        const refDo = decodeAs<RefDo>('RefDo', singleTlv(hexField(item['refDo'], `rules[${index}].refDo`), 'REF-DO'));
        const arDo = decodeAs<ArDo>('ArDo', singleTlv(hexField(item['arDo'], `rules[${index}].arDo`), 'AR-DO'));
        checkRefDo(refDo);
        checkArDo(arDo);
        const key = refDoKey(refDo);
        if (store.#rules.has(key)) throw new AraMStateError(`rules[${index}] repeats a REF-DO`);
        store.#rules.set(key, { key, refDo: canonicalRefDo(refDo), arDo: canonicalArDo(arDo), arDoBytes: encodeArDo(canonicalArDo(arDo)) });
      } catch (error) {
        if (error instanceof AccessRuleDataError) throw new AraMStateError(`rules[${index}]: ${error.message}`);
        throw error;
      }
    });
    store.#refreshTag = refreshTag;
    return store;
  }
}

function hexField(value: unknown, name: string): Uint8Array {
  if (typeof value !== 'string') throw new AraMStateError(`${name} must be a hex string`);
  try {
    return hexToBytes(value);
  } catch {
    throw new AraMStateError(`${name} is not hex`);
  }
}
