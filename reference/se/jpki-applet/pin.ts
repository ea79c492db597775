/**
 * One JPKI PIN (auth PIN EF 0018 or sign password EF 001B) driven by its GENERATED retry-counter
 * life cycle (spec/lifecycles/jpki-*-pin-retry-counter.yaml): the machine decides every state
 * change; this file only maps states to tries and status words and keeps the secret.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual, nextState, type LifeCycle } from '../../../runtime/index.js';
import { jpkiAuthPinRetryCounter, jpkiSignPinRetryCounter } from '../../../generated/lifecycles/index.js';

export type PinName = 'authPin' | 'signPin';

type PinEvent = 'verifySuccess' | 'verifyFailure' | 'retryQuery' | 'changeReferenceData' | 'sessionEnd' | 'resetRetryCounter';
type PinLifeCycle = LifeCycle<string, PinEvent>;

export interface PinRule {
  readonly lifeCycle: PinLifeCycle;
  readonly maxTries: number;
  /** The PIN format: jpki.md §1.7 (auth: exactly 4 digits; sign: 6–16 digits and upper-case letters). */
  readonly format: RegExp;
}

export const PIN_RULES: Readonly<Record<PinName, PinRule>> = {
  authPin: { lifeCycle: jpkiAuthPinRetryCounter as unknown as PinLifeCycle, maxTries: 3, format: /^[0-9]{4}$/ },
  signPin: { lifeCycle: jpkiSignPinRetryCounter as unknown as PinLifeCycle, maxTries: 5, format: /^[0-9A-Z]{6,16}$/ },
};

/** What is saved: the counter state (never `verified`, which is volatile) and a salted MAC of the PIN. */
export interface SavedPin {
  readonly state: string;
  readonly salt: string;
  readonly mac: string;
}

export type VerifyOutcome = { readonly kind: 'verified' } | { readonly kind: 'wrong'; readonly triesLeft: number } | { readonly kind: 'blocked' };

export class Pin {
  readonly name: PinName;
  readonly rule: PinRule;
  #state: string;
  #salt: Buffer;
  #mac: Buffer;

  private constructor(name: PinName, state: string, salt: Buffer, mac: Buffer) {
    this.name = name;
    this.rule = PIN_RULES[name];
    this.#state = state;
    this.#salt = salt;
    this.#mac = mac;
  }

  static create(name: PinName, value: string): Pin {
    const salt = randomBytes(16);
    return new Pin(name, PIN_RULES[name].lifeCycle.initial, salt, pinMac(salt, value));
  }

  static restore(name: PinName, saved: SavedPin): Pin {
    const rule = PIN_RULES[name];
    if (!rule.lifeCycle.states.includes(saved.state) || saved.state === 'verified') throw new TypeError(`${name}: saved state '${saved.state}' is not a persistent counter state`);
    return new Pin(name, saved.state, Buffer.from(saved.salt, 'hex'), Buffer.from(saved.mac, 'hex'));
  }

  static acceptsFormat(name: PinName, value: string): boolean {
    return PIN_RULES[name].format.test(value);
  }

  get verified(): boolean {
    return this.#state === 'verified';
  }

  get blocked(): boolean {
    return this.#state === 'blocked';
  }

  get triesLeft(): number {
    if (this.#state === 'verified') return this.rule.maxTries;
    if (this.#state === 'blocked') return 0;
    return Number(this.#state.replace('remaining', ''));
  }

  /**
   * VERIFY with data. A blocked PIN is refused before any comparison (the machine has no VERIFY
   * event in `blocked`). `countFailures: false` is the seeded fault of a counter that does not count.
   */
  verify(value: string, countFailures = true): VerifyOutcome {
    if (this.blocked) return { kind: 'blocked' };
    if (constantTimeEqual(pinMac(this.#salt, value), this.#mac)) {
      this.#state = nextState(this.rule.lifeCycle, this.#state, 'verifySuccess');
      return { kind: 'verified' };
    }
    if (countFailures) this.#state = nextState(this.rule.lifeCycle, this.#state, 'verifyFailure');
    else if (this.#state === 'verified') this.#state = nextState(this.rule.lifeCycle, this.#state, 'sessionEnd');
    return { kind: 'wrong', triesLeft: this.triesLeft };
  }

  /** CHANGE REFERENCE DATA: only in `verified` (the caller answers 6982 otherwise). */
  change(value: string): void {
    this.#state = nextState(this.rule.lifeCycle, this.#state, 'changeReferenceData');
    this.#salt = randomBytes(16);
    this.#mac = pinMac(this.#salt, value);
  }

  /** The issuing side's re-initialisation (personalization): a new PIN and a full counter. */
  reset(value: string): void {
    if (this.#state === 'verified') this.endSession();
    this.#state = nextState(this.rule.lifeCycle, this.#state, 'resetRetryCounter');
    this.#salt = randomBytes(16);
    this.#mac = pinMac(this.#salt, value);
  }

  endSession(): void {
    this.#state = nextState(this.rule.lifeCycle, this.#state, 'sessionEnd');
  }

  save(): SavedPin {
    const state = this.#state === 'verified' ? nextState(this.rule.lifeCycle, this.#state, 'sessionEnd') : this.#state;
    return { state, salt: this.#salt.toString('hex'), mac: this.#mac.toString('hex') };
  }
}

/** The PIN is kept only as a salted HMAC: a state file does not reveal it. */
function pinMac(salt: Buffer, value: string): Buffer {
  return createHmac('sha256', salt).update(value, 'latin1').digest();
}
