/**
 * The JPKI applet (公的個人認証AP) as a phone's secure element or the My Number Card presents it:
 * commands decoded by the GENERATED dispatcher of spec/apdu/jpki-ap.yaml, files and access rules
 * from its generated file map, PINs driven by the generated retry-counter life cycles. Keys are
 * generated inside the applet during personalization; only the public key leaves.
 */
import { createPrivateKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { concatBytes, dispatchParsedCommand, JpkigenError, type CommandApdu, type ResponseApdu } from '../../../runtime/index.js';
import { jpkiApStatusWords, jpkiApTable, type JpkiApCommand, type SignatureScheme } from '../../../generated/apdu/jpki-ap.js';
import { globalPlatformApplications } from '../../../generated/apdu/global-platform.js';
import { commandOnBasicClass, type Applet, type AppletClass, type AppletContext, type StoreDataBlock } from '../applet.js';
import { FID, fileMapOf, KEY_OF_FID, PIN_OF_FID, tokenLabelOf, type AccessCondition, type ElementaryFile, type KeyName, type TokenProfileName } from './file-map.js';
import { Pin, type PinName, type SavedPin } from './pin.js';
import { encodeDgi, splitDgis, type Dgi } from '../dgi.js';
import { DGI_KEY_GENERATION, DGI_PIN } from './personalization-dgi.js';
import { sha256, sha256DigestInfo, signWithScheme, SignatureInputError } from './signature-schemes.js';
import { encodeTokenInfo } from './token-info.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/**
 * Deliberate defects, for showing that the conformance suite catches them. Never set outside tests.
 */
export interface JpkiAppletFaults {
  /** A wrong PIN answers 63Cx but the counter stays where it was. */
  readonly pinCounterDoesNotCount?: boolean;
  /** COMPUTE DIGITAL SIGNATURE before VERIFY signs and answers 9000 instead of 6982. */
  readonly signWithoutVerifyAnswers9000?: boolean;
  /** The signature is made over DigestInfo(SHA-256(input)) instead of the input as given. */
  readonly signatureOverWrongDigest?: boolean;
}

export interface JpkiAppletOptions {
  readonly faults?: JpkiAppletFaults;
}

/** Install parameters (INSTALL tag C9 content), modelled: one byte naming the token profile. */
export const PROFILE_INSTALL_CODES: Readonly<Record<TokenProfileName, number>> = { card: 0x01, gpse: 0x02, ios: 0x03 };

/** Certificate EFs are a DER certificate followed by filler (jpki.md §1.3); we give them this capacity at least. */
const CERTIFICATE_EF_CAPACITY = 2048;
/** The spec's status words by name (spec/apdu/jpki-ap.yaml `statusWords`), those without wildcards. */
const SW = Object.fromEntries(Object.entries(jpkiApStatusWords).filter(([, sw]) => !/x/i.test(sw)).map(([name, sw]) => [name, Number.parseInt(sw, 16)])) as Record<
  Exclude<keyof typeof jpkiApStatusWords, 'moreDataAvailable' | 'wrongLe' | 'verificationFailed'>,
  number
>;

interface SavedJpkiApplet {
  readonly version: 1;
  readonly profile: TokenProfileName;
  readonly personalized: boolean;
  readonly serialNumber: string;
  readonly files: Readonly<Record<string, string>>;
  readonly keys: Readonly<Partial<Record<KeyName, string>>>;
  readonly pins: Readonly<Partial<Record<PinName, SavedPin>>>;
}

export class JpkiApplet implements Applet {
  readonly aid: Uint8Array;
  readonly profile: TokenProfileName;
  readonly #files: ReadonlyMap<number, ElementaryFile>;
  readonly #faults: JpkiAppletFaults;
  readonly #serialNumber: string;
  #personalized: boolean;
  readonly #contents = new Map<number, Uint8Array>();
  readonly #keys = new Map<KeyName, KeyObject>();
  readonly #pins = new Map<PinName, Pin>();
  /** ISO 7816-4: the current EF is per logical channel. */
  readonly #currentEf = new Map<number, ElementaryFile>();
  #pendingDgis: Uint8Array = new Uint8Array(0);

  constructor(aid: Uint8Array, profile: TokenProfileName, options: JpkiAppletOptions = {}, saved?: SavedJpkiApplet) {
    this.aid = aid;
    this.profile = profile;
    this.#files = fileMapOf(profile);
    this.#faults = options.faults ?? {};
    this.#serialNumber = saved?.serialNumber ?? randomBytes(8).toString('hex').toUpperCase();
    this.#personalized = saved?.personalized ?? false;
    if (saved !== undefined) this.#restore(saved);
  }

  get personalized(): boolean {
    return this.#personalized;
  }

  select(_command: CommandApdu, context: AppletContext): ResponseApdu {
    this.#currentEf.delete(context.channel);
    return { data: new Uint8Array(0), sw: SW.success };
  }

  deselect(context: AppletContext): void {
    this.#currentEf.delete(context.channel);
    // Deselecting the JPKI-AP ends its session (spec/lifecycles jpki-*-pin-retry-counter: sessionEnd).
    if (this.#currentEf.size === 0) this.#endSession();
  }

  reset(): void {
    this.#currentEf.clear();
    this.#pendingDgis = new Uint8Array(0);
    this.#endSession();
  }

  process(command: CommandApdu, context: AppletContext): ResponseApdu {
    const dispatched = dispatchParsedCommand(jpkiApTable, commandOnBasicClass(command));
    if (!dispatched.ok) return status(dispatched.sw);
    if (!this.#personalized) return status(SW.conditionsNotSatisfied);
    return this.#run(dispatched.command as JpkiApCommand, command, context);
  }

  #run(command: JpkiApCommand, apdu: CommandApdu, context: AppletContext): ResponseApdu {
    switch (command.name) {
      case 'selectApplication':
        // SELECT by AID is the OPEN's; one reaching the applet names something else.
        return status(SW.fileNotFound);
      case 'selectFile':
        return this.#selectFile(fidOf(command.fields.fid), context);
      case 'readBinary':
        return this.#readBinary(this.#currentEf.get(context.channel), command.fields.offset, command.fields.le ?? 256);
      case 'readBinaryShortEf': {
        const selected = this.#selectFile(command.fields.shortEfId, context);
        if (selected.sw !== SW.success) return selected;
        return this.#readBinary(this.#currentEf.get(context.channel), command.fields.offset, command.fields.le ?? 256);
      }
      case 'verify':
        return this.#verify(this.#currentEf.get(context.channel), command.fields.pin, context);
      case 'verifyRetryQuery':
        return this.#retryQuery(this.#currentEf.get(context.channel));
      case 'verifyShortEf':
      case 'verifyRetryQueryShortEf': {
        const selected = this.#selectFile(command.fields.pinShortEfId === 'authPin' ? FID.authPin : FID.signPin, context);
        if (selected.sw !== SW.success) return selected;
        const current = this.#currentEf.get(context.channel);
        return command.name === 'verifyShortEf' ? this.#verify(current, command.fields.pin, context) : this.#retryQuery(current);
      }
      case 'changeReferenceData':
        return this.#changePin(this.#currentEf.get(context.channel), command.fields.newPin, context);
      case 'computeDigitalSignature':
        return this.#sign(this.#currentEf.get(context.channel), 'verbatim', command.fields.digestInfo);
      case 'computeDigitalSignatureScheme':
        return this.#sign(this.#currentEf.get(context.channel), command.fields.scheme, command.fields.input);
      case 'computeDigitalSignatureShortEf': {
        const selected = this.#selectFile(command.fields.keyShortEfId === 'authKey' ? FID.authPrivateKey : FID.signPrivateKey, context);
        if (selected.sw !== SW.success) return selected;
        return this.#sign(this.#currentEf.get(context.channel), command.fields.scheme, command.fields.input);
      }
      case 'getChallenge':
        if (apdu.extended) return status(SW.conditionsNotSatisfied);
        return { data: new Uint8Array(randomBytes(command.fields.le ?? 256)), sw: SW.success };
      case 'getResponse':
        // Response chaining is the OPEN's; nothing is pending here.
        return status(SW.conditionsNotSatisfied);
      case 'lastCommandIndicator':
        return this.#lastCommandIndicator();
    }
  }

  #selectFile(fid: number, context: AppletContext): ResponseApdu {
    const file = this.#files.get(fid);
    if (file === undefined) return status(SW.fileNotFound);
    this.#currentEf.set(context.channel, file);
    return status(SW.success);
  }

  #readBinary(file: ElementaryFile | undefined, offset: number, le: number): ResponseApdu {
    if (file === undefined) return status(SW.commandNotAllowed);
    if (file.kind !== 'binary') return status(SW.commandNotAllowed);
    if (!this.#satisfied(file.access)) return status(SW.securityStatusNotSatisfied);
    const content = this.#contents.get(file.fid);
    if (content === undefined) return status(SW.fileNotFound);
    if (offset >= content.length) return status(SW.offsetOutsideEf);
    const end = Math.min(content.length, offset + le);
    return { data: content.slice(offset, end), sw: end - offset < le ? SW.endOfFileReached : SW.success };
  }

  #verify(file: ElementaryFile | undefined, value: string, context: AppletContext): ResponseApdu {
    const pin = this.#pinOf(file);
    if (pin === undefined) return status(SW.commandNotAllowed);
    if (pin.blocked) return status(SW.referencedDataBlocked);
    if (!Pin.acceptsFormat(pin.name, value)) return status(SW.incorrectData);
    const before = pin.triesLeft;
    const outcome = pin.verify(value, this.#faults.pinCounterDoesNotCount !== true);
    if (pin.triesLeft !== before || outcome.kind === 'verified') context.markChanged();
    switch (outcome.kind) {
      case 'verified':
        return status(SW.success);
      case 'wrong':
        return status(0x63c0 | outcome.triesLeft);
      case 'blocked':
        return status(SW.referencedDataBlocked);
    }
  }

  #retryQuery(file: ElementaryFile | undefined): ResponseApdu {
    const pin = this.#pinOf(file);
    if (pin === undefined) return status(SW.commandNotAllowed);
    if (pin.verified) return status(SW.success);
    return status(0x63c0 | pin.triesLeft);
  }

  #changePin(file: ElementaryFile | undefined, value: string, context: AppletContext): ResponseApdu {
    const pin = this.#pinOf(file);
    if (pin === undefined) return status(SW.commandNotAllowed);
    if (pin.blocked) return status(SW.referencedDataBlocked);
    if (!pin.verified) return status(SW.securityStatusNotSatisfied);
    if (!Pin.acceptsFormat(pin.name, value)) return status(SW.incorrectData);
    pin.change(value);
    context.markChanged();
    return status(SW.success);
  }

  #sign(file: ElementaryFile | undefined, scheme: SignatureScheme, input: Uint8Array): ResponseApdu {
    if (file === undefined || file.kind !== 'key') return status(SW.commandNotAllowed);
    const key = this.#keys.get(KEY_OF_FID.get(file.fid) ?? 'authKey');
    if (key === undefined) return status(SW.fileNotFound);
    if (!this.#satisfied(file.access) && this.#faults.signWithoutVerifyAnswers9000 !== true) return status(SW.securityStatusNotSatisfied);
    const signed = this.#faults.signatureOverWrongDigest === true ? sha256DigestInfo(sha256(input)) : input;
    try {
      return { data: signWithScheme(key, scheme, signed), sw: SW.success };
    } catch (error) {
      if (error instanceof SignatureInputError) return status(SW.conditionsNotSatisfied);
      throw error;
    }
  }

  #lastCommandIndicator(): ResponseApdu {
    // jpki.md §1.6: the iPhone token's proprietary indicator; the physical card answers 6700. We
    // take it as the end of the session (modelled), as a reset would be.
    if (this.profile === 'ios') {
      this.#endSession();
      return status(SW.success);
    }
    return status(this.profile === 'card' ? SW.wrongLength : SW.insNotSupported);
  }

  #pinOf(file: ElementaryFile | undefined): Pin | undefined {
    if (file === undefined || file.kind !== 'pin') return undefined;
    const name = PIN_OF_FID.get(file.fid);
    return name === undefined ? undefined : this.#pins.get(name);
  }

  #satisfied(condition: AccessCondition): boolean {
    if (condition === 'always') return true;
    if (condition === 'never') return false;
    return this.#pins.get(condition)?.verified === true;
  }

  #endSession(): void {
    for (const pin of this.#pins.values()) pin.endSession();
  }

  // -------------------------------------------------------------------------------------------
  // Personalization (STORE DATA through the security domain)

  async storeData(block: StoreDataBlock, context: AppletContext): Promise<ResponseApdu> {
    if (block.structure !== 'dgi') return status(SW.offsetOutsideEf);
    const { dgis, rest } = splitDgis(concatBytes(this.#pendingDgis, block.data));
    if (block.last && rest.length > 0) {
      this.#pendingDgis = new Uint8Array(0);
      return status(SW.incorrectData);
    }
    this.#pendingDgis = rest;
    const outputs: Uint8Array[] = [];
    for (const dgi of dgis) {
      const result = await this.#applyDgi(dgi);
      if (typeof result === 'number') return status(result);
      if (result !== undefined) outputs.push(result);
    }
    if (dgis.length > 0) context.markChanged();
    if (block.last) {
      const missing = this.#missingForUse();
      if (missing.length > 0) return status(SW.conditionsNotSatisfied);
      this.#refreshAvailability();
      this.#personalized = true;
      context.markChanged();
    }
    return { data: outputs.length === 0 ? new Uint8Array(0) : Uint8Array.from(outputs.flatMap((output) => [...output])), sw: SW.success };
  }

  /** Applies one DGI; a number is the status word refusing it, bytes are response data. */
  async #applyDgi(dgi: Dgi): Promise<number | Uint8Array | undefined> {
    const fid = dgi.dgi & 0x00ff;
    switch (dgi.dgi & 0xff00) {
      case 0x0000: {
        const file = this.#files.get(fid);
        if (file === undefined || file.kind !== 'binary' || fid === FID.certificateAvailability) return SW.incorrectData;
        if (file.size !== undefined && dgi.value.length !== file.size) return SW.incorrectData;
        this.#contents.set(fid, isCertificateFid(fid) ? withFiller(dgi.value) : dgi.value);
        this.#refreshAvailability();
        return undefined;
      }
      case DGI_KEY_GENERATION: {
        const keyName = KEY_OF_FID.get(fid);
        if (keyName === undefined || dgi.value.length !== 0) return SW.incorrectData;
        const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
        this.#keys.set(keyName, privateKey);
        return encodeDgi(dgi.dgi, new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
      }
      case DGI_PIN: {
        const pinName = PIN_OF_FID.get(fid);
        const value = String.fromCharCode(...dgi.value);
        if (pinName === undefined || !Pin.acceptsFormat(pinName, value)) return SW.incorrectData;
        const existing = this.#pins.get(pinName);
        if (existing === undefined) this.#pins.set(pinName, Pin.create(pinName, value));
        else existing.reset(value);
        return undefined;
      }
      default:
        return SW.incorrectData;
    }
  }

  #missingForUse(): string[] {
    const missing: string[] = [];
    for (const key of ['authKey', 'signKey'] as const) if (!this.#keys.has(key)) missing.push(key);
    for (const pin of ['authPin', 'signPin'] as const) if (!this.#pins.has(pin)) missing.push(pin);
    return missing;
  }

  /** EF 0006 defaults to the profile's token info; EF 0008 always follows the certificates present. */
  #refreshAvailability(): void {
    if (!this.#contents.has(FID.tokenInfo)) {
      this.#contents.set(FID.tokenInfo, encodeTokenInfo({ label: tokenLabelOf(this.profile), manufacturer: 'jpkigen simulated SE', model: this.profile, serialNumber: this.#serialNumber }));
    }
    const present = (fid: number): number => (this.#contents.has(fid) ? 0x8f : 0x00);
    this.#contents.set(FID.certificateAvailability, Uint8Array.of(present(FID.signCertificate), present(FID.authCertificate), 0x00));
    if (this.#files.has(FID.unknown0009) && !this.#contents.has(FID.unknown0009)) this.#contents.set(FID.unknown0009, new Uint8Array(16));
  }

  // -------------------------------------------------------------------------------------------
  // Persistence

  saveState(): SavedJpkiApplet {
    const files: Record<string, string> = {};
    for (const [fid, content] of this.#contents) files[fid.toString(16).padStart(4, '0')] = Buffer.from(content).toString('base64');
    const keys: Partial<Record<KeyName, string>> = {};
    for (const [name, key] of this.#keys) keys[name] = key.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const pins: Partial<Record<PinName, SavedPin>> = {};
    for (const [name, pin] of this.#pins) pins[name] = pin.save();
    return { version: 1, profile: this.profile, personalized: this.#personalized, serialNumber: this.#serialNumber, files, keys, pins };
  }

  #restore(saved: SavedJpkiApplet): void {
    for (const [fid, content] of Object.entries(saved.files)) this.#contents.set(Number.parseInt(fid, 16), new Uint8Array(Buffer.from(content, 'base64')));
    for (const [name, der] of Object.entries(saved.keys)) {
      if (der !== undefined) this.#keys.set(name as KeyName, createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' }));
    }
    for (const [name, pin] of Object.entries(saved.pins)) if (pin !== undefined) this.#pins.set(name as PinName, Pin.restore(name as PinName, pin));
  }
}

export class JpkiAppletClass implements AppletClass {
  readonly moduleAid = globalPlatformApplications.jpkiModule;
  readonly #options: JpkiAppletOptions;

  constructor(options: JpkiAppletOptions = {}) {
    this.#options = options;
  }

  install(instanceAid: Uint8Array, installParameters: Uint8Array): Applet {
    return new JpkiApplet(instanceAid, profileFromInstallParameters(installParameters), this.#options);
  }

  restore(instanceAid: Uint8Array, state: unknown): Applet {
    const saved = parseSavedApplet(state);
    return new JpkiApplet(instanceAid, saved.profile, this.#options, saved);
  }
}

/** INSTALL parameters the applet does not take; the security domain answers 6A80. */
export class JpkiInstallParameterError extends JpkigenError {
  constructor(message: string) {
    super('JPKI_INSTALL_PARAMETERS', message);
  }
}

/** C9 content: empty means gpse (the Android phone), else one byte 01 card, 02 gpse, 03 ios. */
export function profileFromInstallParameters(parameters: Uint8Array): TokenProfileName {
  if (parameters.length === 0) return 'gpse';
  const entry = Object.entries(PROFILE_INSTALL_CODES).find(([, code]) => parameters.length === 1 && parameters[0] === code);
  if (entry === undefined) throw new JpkiInstallParameterError(`JPKI install parameters: expected one byte 01 (card), 02 (gpse) or 03 (ios), got ${Buffer.from(parameters).toString('hex')}`);
  return entry[0] as TokenProfileName;
}

function parseSavedApplet(state: unknown): SavedJpkiApplet {
  const saved = state as Partial<SavedJpkiApplet> | null;
  if (saved === null || typeof saved !== 'object' || saved.version !== 1 || typeof saved.profile !== 'string' || !['card', 'gpse', 'ios'].includes(saved.profile) || typeof saved.files !== 'object' || typeof saved.keys !== 'object' || typeof saved.pins !== 'object' || typeof saved.serialNumber !== 'string') {
    throw new TypeError('JPKI applet state: expected { version: 1, profile, personalized, serialNumber, files, keys, pins }');
  }
  return saved as SavedJpkiApplet;
}

function status(sw: number): ResponseApdu {
  return { data: new Uint8Array(0), sw };
}

function fidOf(bytes: Uint8Array): number {
  return ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
}

function isCertificateFid(fid: number): boolean {
  return fid === FID.signCertificate || fid === FID.signCaCertificate || fid === FID.authCertificate || fid === FID.authCaCertificate;
}

function withFiller(der: Uint8Array): Uint8Array {
  if (der.length >= CERTIFICATE_EF_CAPACITY) return der;
  const content = new Uint8Array(CERTIFICATE_EF_CAPACITY);
  content.set(der);
  return content;
}
