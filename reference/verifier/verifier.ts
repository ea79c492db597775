/**
 * The reference signature verifier (署名検証者): one VerificationRequest in, one
 * VerificationDecision out. Every check that can run does run — signature, JPKI profile (kind,
 * policy, key usage), certification path to a JPKI anchor with revocation — and all failures are
 * reported together.
 */
import type {
  BasicFourInfo,
  CertificateKind,
  CertificateSummary,
  HashAlgorithm,
  JpkiCaId,
  RevocationReason,
  RevocationSource,
  RevocationStatus,
  SignatureAlgorithm,
  VerificationDecision,
  VerificationReason,
  VerificationReasonCode,
  VerificationRequest,
} from '../../generated/messages/types.js';
import { parseVerificationRequest } from '../../generated/messages/index.js';
import { validateCertificateSummary } from '../../generated/messages/validators.js';
import { certificateFacts, type CertificateFacts } from './certificate-facts.js';
import { VerifierError } from './errors.js';
import { prepareTrustAnchors, resolveIssuerCaId, type TrustAnchor, type TrustAnchorInput } from './jpki-anchors.js';
import { classifyCertificate, jpkiCertificateReasons } from './jpki-classify.js';
import { extractBasicFourInfo } from './jpki-identity.js';
import { isoSeconds, summarizeCertificate } from './jpki-summary.js';
import type { PathRevocationEntry, PathValidationResult, PathValidator } from './path-contract.js';
import { verifyCertificatePath } from './path/index.js';
import { ocspRequestFor } from './revocation-fetch.js';
import { verifySignature } from './signature.js';

export interface RevocationOptions {
  /** CRLs (DER) the verifier holds, e.g. fetched daily. */
  readonly crls?: readonly Uint8Array[];
  /** Pre-fetched OCSP responses (DER). */
  readonly ocspResponses?: readonly Uint8Array[];
  /** Asks the OCSP responder: OCSPRequest DER in, OCSPResponse DER out. */
  readonly fetchOcsp?: (request: Uint8Array) => Promise<Uint8Array>;
  /** Fetches the current CRL for a certificate (its DER), or undefined when there is none. */
  readonly fetchCrl?: (certificate: Uint8Array) => Promise<Uint8Array | undefined>;
}

/** A profile linter (spec/profiles): findings of severity error become reasons. */
export type CertificateLinter = (certificate: Uint8Array, kind: CertificateKind) => readonly { readonly severity: string; readonly code: string; readonly message: string; readonly reason?: VerificationReasonCode }[];

export interface VerifierOptions {
  readonly trustAnchors: readonly TrustAnchorInput[];
  readonly revocation?: RevocationOptions;
  /** Now, for checkedAt and for requests without a time. */
  readonly clock?: () => Date;
  /** Accept SHA-1 signatures (default: refused as algorithmNotAllowed). */
  readonly allowSha1?: boolean;
  readonly lint?: CertificateLinter;
  /** Lint against the JPKI profiles of spec/profiles (jpkiProfileLinter) when no `lint` is given. Off by default: the profiles are partly modelled. */
  readonly profileCheck?: boolean;
  /** The RFC 5280 path validator (default: reference/verifier/path). */
  readonly validatePath?: PathValidator;
}

/** A request with its base64url fields already decoded (what the CLI and the bench hand in). */
export interface VerificationInput {
  readonly certificate: Uint8Array;
  readonly chain?: readonly Uint8Array[];
  readonly signature: Uint8Array;
  readonly content: { readonly data: Uint8Array } | { readonly digest: Uint8Array } | { readonly digestInfo: Uint8Array };
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly hashAlgorithm: HashAlgorithm;
  readonly saltLength?: number;
  readonly time?: Date;
  readonly expectedCertificateKind?: CertificateKind;
  readonly revocationSource?: RevocationSource;
}

const MAX_REASONS = 20;
const NONE: readonly Uint8Array[] = [];

interface PathOutcome {
  readonly result: PathValidationResult;
  readonly entry?: PathRevocationEntry;
  readonly fetchProblem?: string;
}
const CRL_REASONS: ReadonlySet<string> = new Set(['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise']);

export class Verifier {
  readonly #anchors: readonly TrustAnchor[];
  readonly #anchorDers: readonly Uint8Array[];
  readonly #revocation: RevocationOptions;
  /** The same arrays on every call, so the path validator's memos see the same inputs. */
  readonly #crls: readonly Uint8Array[];
  readonly #ocspResponses: readonly Uint8Array[];
  readonly #clock: () => Date;
  readonly #allowSha1: boolean;
  #lint: CertificateLinter | undefined;
  #lintLoading: Promise<CertificateLinter> | undefined;
  readonly #validatePath: PathValidator;
  readonly #issuerCaIds = new WeakMap<CertificateFacts, JpkiCaId | undefined>();
  readonly #summaries = new WeakMap<CertificateFacts, CertificateSummary | VerifierError>();
  readonly #identities = new WeakMap<CertificateFacts, BasicFourInfo | VerifierError | undefined>();

  constructor(options: VerifierOptions) {
    this.#anchors = prepareTrustAnchors(options.trustAnchors);
    this.#anchorDers = this.#anchors.map((anchor) => anchor.der);
    this.#revocation = options.revocation ?? {};
    this.#crls = [...(this.#revocation.crls ?? [])];
    this.#ocspResponses = [...(this.#revocation.ocspResponses ?? [])];
    this.#clock = options.clock ?? (() => new Date());
    this.#allowSha1 = options.allowSha1 ?? false;
    this.#lint = options.lint;
    // Loaded on demand: the profile engine is only needed when asked for, and not at start-up.
    if (this.#lint === undefined && options.profileCheck === true) this.#lintLoading = import('./jpki-profile.js').then((module) => module.jpkiProfileLinter);
    this.#validatePath = options.validatePath ?? (verifyCertificatePath as PathValidator);
  }

  get trustAnchors(): readonly TrustAnchor[] {
    return this.#anchors;
  }

  /** Checks a VerificationRequest (throws the generated ValidationError when it breaks the message design). */
  async verify(request: VerificationRequest): Promise<VerificationDecision> {
    return this.verifyValidatedRequest(parseVerificationRequest(request));
  }

  /** As verify, for a request already checked against VerificationRequest (the generated server validates bodies). */
  async verifyValidatedRequest(checked: VerificationRequest): Promise<VerificationDecision> {
    let decoded: ReturnType<typeof decodeRequest>;
    try {
      decoded = decodeRequest(checked);
    } catch (error) {
      // Not a VerificationRequest after all: say where (ValidationError), else pass the error on.
      parseVerificationRequest(checked);
      throw error;
    }
    if ('reasons' in decoded) return { decision: 'invalid', reasons: decoded.reasons, checkedAt: isoSeconds(this.#clock()) };
    return this.verifyInput(decoded);
  }

  /** Checks decoded input; never throws for bad bytes (they become reasons). */
  async verifyInput(input: VerificationInput): Promise<VerificationDecision> {
    if (this.#lintLoading !== undefined) {
      this.#lint = await this.#lintLoading;
      this.#lintLoading = undefined;
    }
    const checkedAt = this.#clock();
    const verificationTime = input.time ?? checkedAt;
    const reasons: VerificationReason[] = [];
    const add = (reason: VerificationReason) => {
      if (!reasons.some((known) => known.code === reason.code)) reasons.push(reason.detail === undefined ? reason : { code: reason.code, detail: reason.detail.slice(0, 500) });
    };
    let facts: CertificateFacts;
    try {
      facts = certificateFacts(input.certificate);
    } catch (error) {
      add({ code: 'malformedCertificate', detail: (error as Error).message });
      return { decision: 'invalid', reasons, verificationTime: isoSeconds(verificationTime), checkedAt: isoSeconds(checkedAt) };
    }

    const verdict = verifySignature({
      // The facts' own copy: the same object every time, so the key cache hits by identity.
      publicKey: facts.der,
      signature: input.signature,
      algorithm: input.signatureAlgorithm,
      hash: input.hashAlgorithm,
      ...input.content,
      ...(input.saltLength !== undefined ? { saltLength: input.saltLength } : {}),
      allowSha1: this.#allowSha1,
    });
    if (!verdict.valid) add({ code: verdict.reason, detail: verdict.detail });

    for (const reason of jpkiCertificateReasons(facts, input.expectedCertificateKind)) add(reason);
    for (const reason of this.#lintReasons(facts)) add(reason);
    if (verificationTime < facts.notBefore) add({ code: 'certificateNotYetValid', detail: `valid from ${isoSeconds(facts.notBefore)}` });
    if (verificationTime > facts.notAfter) add({ code: 'certificateExpired', detail: `expired ${isoSeconds(facts.notAfter)}` });

    const summary = this.#summaryOf(facts);
    if (summary instanceof Error) add({ code: 'malformedCertificate', detail: summary.message });
    const classification = classifyCertificate(facts);
    let signer: BasicFourInfo | undefined;
    if (classification.kind === 'signature') {
      const identity = this.#identityOf(facts);
      if (identity instanceof VerifierError) add({ code: 'malformedCertificate', detail: identity.message });
      else if (identity === undefined) add({ code: 'malformedCertificate', detail: 'a signature certificate without 基本4情報 in subjectAltName' });
      else signer = identity;
    }

    const pending = this.#validate(facts, input, verificationTime);
    const path = pending instanceof Promise ? await pending : pending;
    const revocationStatus = summary instanceof Error ? undefined : revocationStatusOf(path.entry, summary, facts);
    const fetchNote = path.fetchProblem === undefined ? '' : `; ${path.fetchProblem}`;
    if (!path.result.valid) add({ code: pathReason(path.result.reason), detail: `${path.result.detail.message}${fetchNote}` });
    else if (path.entry === undefined || path.entry.status !== 'good') add({ code: 'revocationUnknown', detail: `no good revocation status for the certificate${fetchNote}` });
    if (this.#issuerCaIdOf(facts) === undefined) {
      add({ code: 'untrustedIssuer', detail: 'the issuer is not a JPKI CA generation (label a simulated CA trust anchor with its caId)' });
    }

    if (reasons.length === 0 && revocationStatus?.status === 'good' && !(summary instanceof Error)) {
      return {
        decision: 'valid',
        certificate: summary,
        ...(signer !== undefined ? { signer } : {}),
        revocationStatus,
        verificationTime: isoSeconds(verificationTime),
        checkedAt: isoSeconds(checkedAt),
      };
    }
    if (reasons.length === 0) add({ code: 'revocationUnknown', detail: 'no good revocation status for the certificate' });
    return {
      decision: 'invalid',
      reasons: reasons.slice(0, MAX_REASONS),
      ...(summary instanceof Error ? {} : { certificate: summary }),
      ...(revocationStatus !== undefined ? { revocationStatus } : {}),
      verificationTime: isoSeconds(verificationTime),
      checkedAt: isoSeconds(checkedAt),
    };
  }

  /** The summary, checked against its message design: a certificate it cannot describe is malformed for JPKI. */
  #summaryOf(facts: CertificateFacts): CertificateSummary | VerifierError {
    const known = this.#summaries.get(facts);
    if (known !== undefined) return known;
    const summary = summarizeCertificate(facts, this.#anchors);
    const checked = validateCertificateSummary(summary)
      ? summary
      : new VerifierError('invalidCertificate', `the certificate cannot be summarized as a JPKI certificate: ${describeIssues(validateCertificateSummary.errors)}`);
    this.#summaries.set(facts, checked);
    return checked;
  }

  #issuerCaIdOf(facts: CertificateFacts): JpkiCaId | undefined {
    if (!this.#issuerCaIds.has(facts)) this.#issuerCaIds.set(facts, resolveIssuerCaId(facts, this.#anchors));
    return this.#issuerCaIds.get(facts);
  }

  #identityOf(facts: CertificateFacts): BasicFourInfo | VerifierError | undefined {
    if (this.#identities.has(facts)) return this.#identities.get(facts);
    let identity: BasicFourInfo | VerifierError | undefined;
    try {
      identity = extractBasicFourInfo(facts);
    } catch (error) {
      identity = error instanceof VerifierError ? error : new VerifierError('invalidCertificate', '基本4情報 could not be read');
    }
    this.#identities.set(facts, identity);
    return identity;
  }

  #lintReasons(facts: CertificateFacts): VerificationReason[] {
    if (this.#lint === undefined) return [];
    try {
      return this.#lint(facts.der, classifyCertificate(facts).kind)
        .filter((finding) => finding.severity === 'error')
        .map((finding) => ({ code: finding.reason ?? 'malformedCertificate', detail: `${finding.code}: ${finding.message}` }));
    } catch (error) {
      return [{ code: 'malformedCertificate', detail: `profile check failed: ${(error as Error).message}` }];
    }
  }

  /** Path validation with revocation; synchronous unless something has to be fetched first. */
  #validate(facts: CertificateFacts, input: VerificationInput, time: Date): PathOutcome | Promise<PathOutcome> {
    const source = input.revocationSource;
    const crls = source === 'ocsp' ? NONE : this.#crls;
    const ocspResponses = source === 'crl' ? NONE : this.#ocspResponses;
    const fetchOcsp = source === 'crl' ? undefined : this.#revocation.fetchOcsp;
    const fetchCrl = source === 'ocsp' ? undefined : this.#revocation.fetchCrl;
    if (fetchOcsp === undefined && fetchCrl === undefined) return this.#runPath(input, time, crls, ocspResponses, []);
    return this.#fetchThenRunPath(facts, input, time, { crls, ocspResponses, fetchOcsp, fetchCrl });
  }

  async #fetchThenRunPath(
    facts: CertificateFacts,
    input: VerificationInput,
    time: Date,
    sources: { crls: readonly Uint8Array[]; ocspResponses: readonly Uint8Array[]; fetchOcsp: RevocationOptions['fetchOcsp']; fetchCrl: RevocationOptions['fetchCrl'] },
  ): Promise<PathOutcome> {
    const crls = [...sources.crls];
    const ocspResponses = [...sources.ocspResponses];
    const problems: string[] = [];
    if (sources.fetchOcsp !== undefined) {
      const issuer = this.#issuerOf(facts, input.chain ?? []);
      if (issuer === undefined) problems.push('OCSP not asked: the issuing CA certificate is not known');
      else {
        try {
          ocspResponses.unshift(await sources.fetchOcsp(ocspRequestFor(facts, issuer)));
        } catch (error) {
          problems.push(`OCSP responder: ${(error as Error).message}`);
        }
      }
    }
    if (sources.fetchCrl !== undefined) {
      try {
        const crl = await sources.fetchCrl(input.certificate);
        if (crl !== undefined) crls.unshift(crl);
      } catch (error) {
        problems.push(`CRL fetch: ${(error as Error).message}`);
      }
    }
    return this.#runPath(input, time, crls, ocspResponses, problems);
  }

  #runPath(input: VerificationInput, time: Date, crls: readonly Uint8Array[], ocspResponses: readonly Uint8Array[], problems: readonly string[]): PathOutcome {
    let result: PathValidationResult;
    try {
      result = this.#validatePath({ certificates: [input.certificate, ...(input.chain ?? [])], trustAnchors: this.#anchorDers, crls, ocspResponses, time, revocation: 'require' });
    } catch (error) {
      result = { valid: false, reason: 'malformedCertificate', detail: { code: 'internalError', message: `path validation failed: ${(error as Error).message}` } };
    }
    const entries = result.valid ? result.path.revocation : revocationEntriesOf(result.path);
    const entry = entries.find((candidate) => candidate.certificateIndex === 0);
    return { result, ...(entry !== undefined ? { entry } : {}), ...(problems.length > 0 ? { fetchProblem: problems.join('; ') } : {}) };
  }

  /** The CA certificate that issued `facts`: from the chain or the anchors, by key identifier, else by name. */
  #issuerOf(facts: CertificateFacts, chain: readonly Uint8Array[]): CertificateFacts | undefined {
    const candidates: CertificateFacts[] = [];
    for (const der of chain) {
      try {
        candidates.push(certificateFacts(der));
      } catch {
        // a malformed chain certificate is the path validator's to report
      }
    }
    candidates.push(...this.#anchors.map((anchor) => anchor.facts));
    const keyId = facts.authorityKeyIdentifier?.keyIdentifier;
    const byKey = keyId === undefined ? undefined : candidates.find((candidate) => candidate.subjectKeyIdentifier !== undefined && Buffer.compare(candidate.subjectKeyIdentifier, keyId) === 0);
    return byKey ?? candidates.find((candidate) => candidate.subjectName === facts.issuerName);
  }
}

export function createVerifier(options: VerifierOptions): Verifier {
  return new Verifier(options);
}

/** A certificate's signature failing inside the path is an untrusted issuer, not the message signature failing. */
function pathReason(reason: VerificationReasonCode): VerificationReasonCode {
  return reason === 'signatureMismatch' ? 'untrustedIssuer' : reason;
}

function revocationEntriesOf(path: object | undefined): readonly PathRevocationEntry[] {
  const revocation = (path as { revocation?: unknown } | undefined)?.revocation;
  return Array.isArray(revocation) ? (revocation as PathRevocationEntry[]) : [];
}

function revocationStatusOf(entry: PathRevocationEntry | undefined, summary: CertificateSummary, facts: CertificateFacts): RevocationStatus | undefined {
  if (entry === undefined || entry.source === undefined || summary.issuerCaId === undefined) return undefined;
  const base = { caId: summary.issuerCaId, serialNumber: facts.serialHex, source: entry.source };
  // An OCSP response without nextUpdate (RFC 6960 §4.2.2.1: newer information is always
  // available) is stated as fresh until its thisUpdate, which the schema's required field needs.
  const freshness = entry.thisUpdate === undefined ? undefined : { thisUpdate: isoSeconds(entry.thisUpdate), nextUpdate: isoSeconds(entry.nextUpdate ?? entry.thisUpdate) };
  if (entry.status === 'good' && freshness !== undefined) return { status: 'good', ...base, ...freshness };
  if (entry.status === 'revoked' && freshness !== undefined && entry.revokedAt !== undefined) {
    const reason = (entry.reason !== undefined && CRL_REASONS.has(entry.reason) ? entry.reason : 'unspecified') as RevocationReason;
    return { status: 'revoked', ...base, reason, revokedAt: isoSeconds(entry.revokedAt), ...freshness };
  }
  if (entry.status === 'unknown') return { status: 'unknown', ...base, ...(freshness ?? {}) };
  return undefined;
}

/** base64url → bytes for every field; undecodable fields become reasons. */
function decodeRequest(request: VerificationRequest): VerificationInput | { reasons: VerificationReason[] } {
  const reasons: VerificationReason[] = [];
  const bytes = (text: string, code: VerificationReasonCode, what: string): Uint8Array => {
    const decoded = base64UrlToBytes(text);
    if (decoded === undefined) reasons.push({ code, detail: `${what} is not base64url` });
    return decoded ?? new Uint8Array();
  };
  const certificate = bytes(request.certificate, 'malformedCertificate', 'certificate');
  const chain = (request.chain ?? []).map((entry, index) => bytes(entry, 'malformedCertificate', `chain[${index}]`));
  const signature = bytes(request.signature, 'malformedSignature', 'signature');
  const content =
    request.content.kind === 'data'
      ? { data: bytes(request.content.data, 'digestMismatch', 'content.data') }
      : request.content.kind === 'digest'
        ? { digest: bytes(request.content.digest, 'digestMismatch', 'content.digest') }
        : { digestInfo: bytes(request.content.digestInfo, 'digestMismatch', 'content.digestInfo') };
  if (reasons.length > 0) return { reasons };
  return {
    certificate,
    chain,
    signature,
    content,
    signatureAlgorithm: request.signatureAlgorithm,
    hashAlgorithm: request.hashAlgorithm,
    ...(request.saltLength !== undefined ? { saltLength: request.saltLength } : {}),
    ...(request.time !== undefined ? { time: new Date(request.time) } : {}),
    ...(request.expectedCertificateKind !== undefined ? { expectedCertificateKind: request.expectedCertificateKind } : {}),
    ...(request.revocationSource !== undefined ? { revocationSource: request.revocationSource } : {}),
  };
}

function describeIssues(errors: unknown): string {
  const list = Array.isArray(errors) ? (errors as { instancePath?: string; message?: string }[]) : [];
  return list.slice(0, 3).map((error) => `${error.instancePath === '' ? '(root)' : (error.instancePath ?? '')} ${error.message ?? ''}`.trim()).join('; ') || 'not a CertificateSummary';
}

export function base64UrlToBytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/u.test(text) || text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
