/**
 * The reference JPKI CA: its generations (self-signed, simulated), the certificates it issues
 * (card pairs, smartphone pairs linked to them), their status (revoked, held, released) and the
 * old/new linkage it records. Every state change is one database transaction that has committed
 * before the method returns, so what a caller was told happened survives a crash.
 * It is also the RevocationSource the publishers (CRL, OCSP, linkage list) read from.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { decodeCertificate, decodeSubjectPublicKeyInfo, type Name } from '../../generated/asn1/index.js';
import { parseBasicFourInfo } from '../../generated/messages/index.js';
import type { BasicFourInfo, CertificateCarrier, CertificateKind, JpkiCaId, RevocationReason } from '../../generated/messages/types.js';
import { CaError } from './ca-errors.js';
import {
  bumpChangeCounter,
  CERTIFICATE_COLUMNS,
  certificateFromRow,
  findCertificate,
  holderCertificates,
  insertCertificate,
  insertLinkage,
  setStatus,
  type CertificateRecord,
  type CertificateRow,
} from './ca-repository.js';
import { buildCertificate, checkSubjectPublicKey, SHA256_WITH_RSA_DER } from './certificate-builder.js';
import type { SqlClient, SqlExecutor } from './database/sql-client.js';
import type { IssuanceProfile } from './issuance-profile.js';
import type { Keystore } from './keystore/keystore.js';
import { keyIdentifierOf } from '../../runtime/profiles/index.js';
import { specIssuanceProfile } from './spec-issuance-profile.js';
import { crlDistributionPointName, municipalityOf } from './municipalities.js';
import { caKindOf, jlisShapedCaName, nameToDer, simulatedCaName } from './names.js';
import type { CertificateStatusEntry, CrlDistributionPoint, LinkageRecordEntry, RevocationIssuer, RevocationSource, RevokedEntry } from './revocation-source.js';
import { randomSerialNumber, serialToHex } from './serial-numbers.js';

export type { CertificateRecord } from './ca-repository.js';

export interface CaGeneration {
  readonly caId: JpkiCaId;
  readonly kind: CertificateKind;
  readonly certificate: Uint8Array;
  readonly keyLabel: string;
  readonly serialNumber: bigint;
  readonly name: Name;
  readonly subjectKeyIdentifier: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CertificateAuthorityOptions {
  readonly database: SqlClient;
  readonly keystore: Keystore;
  /** Subject, validity and extensions of what is issued: the spec-driven profiles of spec/profiles by default. */
  readonly profile?: IssuanceProfile;
  /** "Now", for expiry filters and default issuance times. */
  readonly clock?: () => Date;
}

export interface BootstrapOptions {
  /** Default: signca03 and authca03. */
  readonly generations?: readonly JpkiCaId[];
  readonly at?: Date;
  /** Default 10, as the real generations (jpki.md §2.1). */
  readonly validityYears?: number;
  /**
   * `simulated` (default): C=JP, O=JPKI-SIM, OU=JPKI for …, OU=jpkigen simulated CA - not J-LIS.
   * `jlis-shaped`: the real generations' name, so the certificates pass the profiles' name checks.
   */
  readonly names?: 'simulated' | 'jlis-shaped';
}

export interface KeyPairPublicKeys {
  /** SubjectPublicKeyInfo DER of the signature key. */
  readonly signature: Uint8Array;
  /** SubjectPublicKeyInfo DER of the user-authentication key. */
  readonly userAuthentication: Uint8Array;
}

export interface CardPairRequest {
  readonly holder: BasicFourInfo;
  readonly municipalityCode: string;
  readonly publicKeys: KeyPairPublicKeys;
  readonly issuedAt?: Date;
  /** The card's own expiry: no certificate on it lives longer. */
  readonly cardExpiresAt?: Date;
}

export interface IssuedPair {
  readonly holderId: string;
  readonly signature: CertificateRecord;
  readonly userAuthentication: CertificateRecord;
  /** Certificates this operation revoked (superseded card or phone certificates). */
  readonly revoked: readonly CertificateRecord[];
}

export interface SmartphonePairRequest {
  readonly holderId: string;
  readonly deviceId: string;
  readonly publicKeys: KeyPairPublicKeys;
  readonly issuedAt?: Date;
}

export interface CardReplacementRequest {
  readonly holderId: string;
  readonly publicKeys: KeyPairPublicKeys;
  readonly issuedAt?: Date;
  readonly cardExpiresAt?: Date;
  /** Reissue only: new 基本4情報 (e.g. after a move) and municipality. */
  readonly holder?: BasicFourInfo;
  readonly municipalityCode?: string;
  /** Reissue only: why the old card certificates are revoked (default superseded; keyCompromise after a loss, affiliationChanged after a change of 基本4情報). */
  readonly revocationReason?: RevocationReason;
}

export interface HolderRecord {
  readonly holderId: string;
  readonly basicFourInfo: BasicFourInfo;
  readonly municipalityCode: string;
}

const KINDS: readonly CertificateKind[] = ['userAuthentication', 'signature'];
const PAGE_SIZE = 1000;
const UNIQUE_VIOLATION = '23505';

function generationNumber(caId: JpkiCaId): number {
  return Number(caId.slice(-2));
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

function revocationReasonFor(reason: string): RevocationReason {
  const allowed: readonly RevocationReason[] = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn', 'aACompromise'];
  if (!allowed.includes(reason as RevocationReason)) {
    throw new CaError('CA_BAD_REASON', `revocation reason '${reason}': expected one of ${allowed.join(', ')} (removeFromCRL is a CRL entry, not a reason to revoke; release a hold instead)`);
  }
  return reason as RevocationReason;
}

function checkDeviceId(deviceId: string): void {
  if (!/^[\x21-\x7e]{1,128}$/u.test(deviceId)) throw new CaError('CA_BAD_REQUEST', `deviceId: expected 1-128 printable ASCII characters without spaces`);
}

function isLive(record: CertificateRecord, at: Date): boolean {
  return record.status !== 'revoked' && record.notAfter > at;
}

export class CertificateAuthority implements RevocationSource {
  readonly database: SqlClient;
  readonly keystore: Keystore;
  readonly profile: IssuanceProfile;
  readonly #clock: () => Date;
  #generations: CaGeneration[] = [];
  #issuers: RevocationIssuer[] = [];

  private constructor(options: CertificateAuthorityOptions) {
    this.database = options.database;
    this.keystore = options.keystore;
    this.profile = options.profile ?? specIssuanceProfile;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Opens the CA over a migrated database and a keystore; loads the CA generations already there. */
  static async open(options: CertificateAuthorityOptions): Promise<CertificateAuthority> {
    const authority = new CertificateAuthority(options);
    await authority.#loadGenerations();
    return authority;
  }

  // ---- CA generations ----

  /** Creates the missing generations (key in the keystore, self-signed certificate in the database). Idempotent. */
  async bootstrap(options: BootstrapOptions = {}): Promise<readonly CaGeneration[]> {
    const wanted = options.generations ?? (['signca03', 'authca03'] as const);
    const at = options.at ?? this.#clock();
    for (const caId of wanted) {
      if (this.#generations.some((generation) => generation.caId === caId)) continue;
      await this.#createGeneration(caId, at, options.validityYears ?? 10, options.names ?? 'simulated');
    }
    await this.#loadGenerations();
    return this.#generations;
  }

  generations(): readonly CaGeneration[] {
    return this.#generations;
  }

  generation(caId: JpkiCaId): CaGeneration {
    const found = this.#generations.find((generation) => generation.caId === caId);
    if (found === undefined) throw new CaError('CA_UNKNOWN_CA', `no CA generation ${caId} in this CA (have: ${this.#generations.map((entry) => entry.caId).join(', ') || 'none; run bootstrap'})`);
    return found;
  }

  /** The newest generation of a kind: the one that issues. */
  issuingGeneration(kind: CertificateKind): CaGeneration {
    const candidates = this.#generations.filter((generation) => generation.kind === kind).sort((a, b) => generationNumber(b.caId) - generationNumber(a.caId));
    const newest = candidates[0];
    if (newest === undefined) throw new CaError('CA_NOT_BOOTSTRAPPED', `no ${kind} CA generation yet: bootstrap the CA first`);
    return newest;
  }

  async #createGeneration(caId: JpkiCaId, at: Date, validityYears: number, names: 'simulated' | 'jlis-shaped'): Promise<void> {
    const kind = caKindOf(caId);
    const keyLabel = `${caId}-${randomBytes(4).toString('hex')}`;
    const publicKey = await this.keystore.generateKey(keyLabel);
    const name = names === 'simulated' ? simulatedCaName(kind) : jlisShapedCaName(kind);
    // Like the real generations (2023-07-16 → 2033-07-15 14:59:59Z): to 23:59:59 JST on the day before the anniversary.
    const issuedJst = new Date(at.getTime() + 9 * 3600_000);
    const notAfter = new Date(Date.UTC(issuedJst.getUTCFullYear() + validityYears, issuedJst.getUTCMonth(), issuedJst.getUTCDate() - 1, 14, 59, 59));
    const content = this.profile.caCertificate({ kind, subject: name, subjectPublicKey: publicKey, notBefore: at, notAfter });
    const serialNumber = randomSerialNumber();
    const der = await buildCertificate({ serialNumber, issuer: name, subjectPublicKey: publicKey, content, sign: (tbs) => this.keystore.sign(keyLabel, tbs) });
    await this.database.transaction(async (transaction) => {
      await bumpChangeCounter(transaction);
      await transaction.query(
        'INSERT INTO ca_generations (ca_id, kind, certificate, key_label, serial_hex, not_before, not_after, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (ca_id) DO NOTHING',
        [caId, kind, der, keyLabel, serialToHex(serialNumber), content.notBefore, content.notAfter, at],
      );
    });
  }

  async #loadGenerations(): Promise<void> {
    const result = await this.database.query<{ ca_id: string; kind: string; certificate: Uint8Array; key_label: string; not_before: Date; not_after: Date }>(
      'SELECT ca_id, kind, certificate, key_label, not_before, not_after FROM ca_generations ORDER BY ca_id',
    );
    const generations: CaGeneration[] = [];
    for (const row of result.rows) {
      const certificate = decodeCertificate(row.certificate);
      const publicKey = await this.keystore.publicKey(row.key_label);
      generations.push({
        caId: row.ca_id as JpkiCaId,
        kind: row.kind as CertificateKind,
        certificate: row.certificate,
        keyLabel: row.key_label,
        serialNumber: certificate.tbsCertificate.serialNumber,
        name: certificate.tbsCertificate.subject,
        subjectKeyIdentifier: keyIdentifierOf(decodeSubjectPublicKeyInfo(publicKey).subjectPublicKey),
        notBefore: row.not_before,
        notAfter: row.not_after,
      });
    }
    this.#generations = generations;
    this.#issuers = generations.map((generation) => ({
      caId: generation.caId,
      certificate: generation.certificate,
      signatureAlgorithm: SHA256_WITH_RSA_DER,
      sign: (data: Uint8Array) => this.keystore.sign(generation.keyLabel, data),
    }));
  }

  // ---- issuance ----

  /** Issues the card's two certificates for a new holder (a new holder id). */
  async issueCardPair(request: CardPairRequest): Promise<IssuedPair> {
    const holder = parseBasicFourInfo(request.holder);
    municipalityOf(request.municipalityCode);
    this.#checkPublicKeys(request.publicKeys);
    const issuedAt = request.issuedAt ?? this.#clock();
    return this.#withSerialRetry(() =>
      this.database.transaction(async (transaction) => {
        await bumpChangeCounter(transaction);
        const holderId = `H${randomBytes(12).toString('hex').toUpperCase()}`;
        await transaction.query('INSERT INTO holders (holder_id, basic_four_info, municipality_code, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [
          holderId,
          JSON.stringify(holder),
          request.municipalityCode,
          issuedAt,
        ]);
        const pair = await this.#issuePair(transaction, { holderId, holder, municipalityCode: request.municipalityCode, publicKeys: request.publicKeys, issuedAt, carrier: 'card', ...(request.cardExpiresAt === undefined ? {} : { caps: { userAuthentication: request.cardExpiresAt, signature: request.cardExpiresAt } }) });
        return { holderId, ...pair, revoked: [] };
      }),
    );
  }

  /**
   * Issues a smartphone pair from the holder's current card certificates: validity never beyond
   * the card certificate of the same kind, the signature certificate never beyond the
   * authentication one. Live phone certificates of the holder (another or the same device) are
   * revoked as superseded and linked (mobileReplaced); the card certificates are linked (mobileIssued).
   */
  async issueSmartphonePair(request: SmartphonePairRequest): Promise<IssuedPair> {
    checkDeviceId(request.deviceId);
    this.#checkPublicKeys(request.publicKeys);
    const issuedAt = request.issuedAt ?? this.#clock();
    return this.#withSerialRetry(() =>
      this.database.transaction(async (transaction) => {
        await bumpChangeCounter(transaction);
        const holder = await this.#holder(transaction, request.holderId);
        const cards = await holderCertificates(transaction, request.holderId, 'card');
        const cardOf = (kind: CertificateKind): CertificateRecord => {
          const card = cards.find((record) => record.kind === kind && record.status === 'good' && record.notBefore <= issuedAt && record.notAfter > issuedAt);
          if (card === undefined) throw new CaError('CA_NO_CARD_CERTIFICATE', `holder ${request.holderId} has no valid (good, unexpired) ${kind} card certificate at ${issuedAt.toISOString()}: a smartphone certificate is issued only from one`);
          return card;
        };
        const card = { userAuthentication: cardOf('userAuthentication'), signature: cardOf('signature') };
        const oldPhones = (await holderCertificates(transaction, request.holderId, 'smartphone')).filter((record) => isLive(record, issuedAt));
        const revoked: CertificateRecord[] = [];
        for (const old of oldPhones) {
          await setStatus(transaction, old.serialHex, 'revoked', issuedAt, 'superseded');
          revoked.push({ ...old, status: 'revoked', revokedAt: issuedAt, reason: 'superseded' });
        }
        const pair = await this.#issuePair(transaction, {
          holderId: request.holderId,
          holder: holder.basicFourInfo,
          municipalityCode: holder.municipalityCode,
          publicKeys: request.publicKeys,
          issuedAt,
          carrier: 'smartphone',
          caps: { userAuthentication: card.userAuthentication.notAfter, signature: card.signature.notAfter },
          linkedCards: card,
          deviceId: request.deviceId,
        });
        for (const kind of KINDS) {
          const issued = pair[kind];
          await insertLinkage(transaction, { caId: issued.caId, oldCaId: card[kind].caId, oldSerialHex: card[kind].serialHex, newSerialHex: issued.serialHex, reason: 'mobileIssued', linkedAt: issuedAt });
          for (const old of oldPhones.filter((record) => record.kind === kind)) {
            await insertLinkage(transaction, { caId: issued.caId, oldCaId: old.caId, oldSerialHex: old.serialHex, newSerialHex: issued.serialHex, reason: 'mobileReplaced', linkedAt: issuedAt });
          }
        }
        return { holderId: request.holderId, ...pair, revoked };
      }),
    );
  }

  /** Renewal (更新): a new card pair for the same holder and data; the old card and phone certificates are revoked as superseded; linkage `renewal`. */
  async renewCardPair(request: CardReplacementRequest): Promise<IssuedPair> {
    if (request.holder !== undefined || request.municipalityCode !== undefined || request.revocationReason !== undefined) {
      throw new CaError('CA_BAD_REQUEST', 'a renewal keeps the holder data and revokes as superseded: use reissueCardPair to change 基本4情報, the municipality or the reason');
    }
    return this.#replaceCardPair(request, 'renewal');
  }

  /** Reissue (再発行, e.g. a new card after a loss or a change of 基本4情報); linkage `reissue`. */
  async reissueCardPair(request: CardReplacementRequest): Promise<IssuedPair> {
    return this.#replaceCardPair(request, 'reissue');
  }

  async #replaceCardPair(request: CardReplacementRequest, linkage: 'renewal' | 'reissue'): Promise<IssuedPair> {
    const newHolder = request.holder === undefined ? undefined : parseBasicFourInfo(request.holder);
    if (request.municipalityCode !== undefined) municipalityOf(request.municipalityCode);
    const reason = revocationReasonFor(request.revocationReason ?? 'superseded');
    if (reason === 'certificateHold') throw new CaError('CA_BAD_REASON', 'a replaced card certificate is revoked, not held');
    this.#checkPublicKeys(request.publicKeys);
    const issuedAt = request.issuedAt ?? this.#clock();
    return this.#withSerialRetry(() =>
      this.database.transaction(async (transaction) => {
        await bumpChangeCounter(transaction);
        const holder = await this.#holder(transaction, request.holderId);
        const cards = await holderCertificates(transaction, request.holderId, 'card');
        const previous = { userAuthentication: cards.find((record) => record.kind === 'userAuthentication'), signature: cards.find((record) => record.kind === 'signature') };
        if (previous.userAuthentication === undefined || previous.signature === undefined) throw new CaError('CA_NO_CARD_CERTIFICATE', `holder ${request.holderId} has no card certificates to ${linkage === 'renewal' ? 'renew' : 'reissue'}`);
        const basicFourInfo = newHolder ?? holder.basicFourInfo;
        const municipalityCode = request.municipalityCode ?? holder.municipalityCode;
        if (newHolder !== undefined || request.municipalityCode !== undefined) {
          await transaction.query('UPDATE holders SET basic_four_info = $2, municipality_code = $3, updated_at = $4 WHERE holder_id = $1', [request.holderId, JSON.stringify(basicFourInfo), municipalityCode, issuedAt]);
        }
        const revoked: CertificateRecord[] = [];
        const phones = await holderCertificates(transaction, request.holderId, 'smartphone');
        for (const old of [...cards, ...phones].filter((record) => isLive(record, issuedAt))) {
          // The phone certificates follow the card certificate: re-applying is required (jpki.md §2.5).
          const why = old.carrier === 'card' ? reason : 'superseded';
          await setStatus(transaction, old.serialHex, 'revoked', issuedAt, why);
          revoked.push({ ...old, status: 'revoked', revokedAt: issuedAt, reason: why });
        }
        const pair = await this.#issuePair(transaction, { holderId: request.holderId, holder: basicFourInfo, municipalityCode, publicKeys: request.publicKeys, issuedAt, carrier: 'card', renewal: linkage === 'renewal', ...(request.cardExpiresAt === undefined ? {} : { caps: { userAuthentication: request.cardExpiresAt, signature: request.cardExpiresAt } }) });
        for (const kind of KINDS) {
          const old = previous[kind] as CertificateRecord;
          await insertLinkage(transaction, { caId: pair[kind].caId, oldCaId: old.caId, oldSerialHex: old.serialHex, newSerialHex: pair[kind].serialHex, reason: linkage, linkedAt: issuedAt });
        }
        return { holderId: request.holderId, ...pair, revoked };
      }),
    );
  }

  async #issuePair(
    transaction: SqlExecutor,
    input: {
      readonly holderId: string;
      readonly holder: BasicFourInfo;
      readonly municipalityCode: string;
      readonly publicKeys: KeyPairPublicKeys;
      readonly issuedAt: Date;
      readonly carrier: CertificateCarrier;
      readonly caps?: Readonly<Record<CertificateKind, Date>>;
      readonly linkedCards?: Readonly<Record<CertificateKind, CertificateRecord>>;
      readonly deviceId?: string;
      readonly renewal?: boolean;
    },
  ): Promise<{ userAuthentication: CertificateRecord; signature: CertificateRecord }> {
    const municipality = municipalityOf(input.municipalityCode);
    const issued: Partial<Record<CertificateKind, CertificateRecord>> = {};
    // Authentication first: its expiry caps the signature certificate's.
    for (const kind of KINDS) {
      const generation = this.issuingGeneration(kind);
      const card = input.caps?.[kind];
      const authentication = kind === 'signature' ? issued.userAuthentication?.notAfter : undefined;
      const limits = { ...(card === undefined ? {} : { card }), ...(authentication === undefined ? {} : { authentication }), issuer: generation.notAfter };
      const caps = [card, authentication, generation.notAfter].filter((cap): cap is Date => cap !== undefined);
      const cap = caps.reduce<Date | undefined>((earliest, next) => (earliest === undefined || next < earliest ? next : earliest), undefined);
      if (cap !== undefined && cap <= input.issuedAt) throw new CaError('CA_VALIDITY', `the ${kind} certificate would end (${cap.toISOString()}) before it starts (${input.issuedAt.toISOString()})`);
      const content = this.profile.endEntityCertificate({
        kind,
        carrier: input.carrier,
        holder: input.holder,
        municipality,
        subjectPublicKey: input.publicKeys[kind],
        issuer: { certificate: generation.certificate, name: generation.name, serialNumber: generation.serialNumber, subjectKeyIdentifier: generation.subjectKeyIdentifier },
        issuedAt: input.issuedAt,
        limits,
        ...(input.renewal === true ? { renewal: true } : {}),
        ...(cap === undefined ? {} : { notAfterCap: cap }),
      });
      // The profile is trusted for shape, not for the rules the CA answers for.
      if (cap !== undefined && content.notAfter > cap) throw new CaError('CA_VALIDITY', `the profile (${this.profile.source}) gave the ${kind} certificate notAfter ${content.notAfter.toISOString()}, beyond its cap ${cap.toISOString()}`);
      const serialNumber = randomSerialNumber();
      const der = await buildCertificate({ serialNumber, issuer: generation.name, subjectPublicKey: input.publicKeys[kind], content, sign: (tbs) => this.keystore.sign(generation.keyLabel, tbs) });
      const linkedCard = input.linkedCards?.[kind];
      const record: CertificateRecord = {
        caId: generation.caId,
        serialNumber,
        serialHex: serialToHex(serialNumber),
        der,
        kind,
        carrier: input.carrier,
        holderId: input.holderId,
        municipalityCode: input.municipalityCode,
        notBefore: content.notBefore,
        notAfter: content.notAfter,
        issuedAt: input.issuedAt,
        status: 'good',
        ...(linkedCard === undefined ? {} : { linkedCardSerialNumber: linkedCard.serialNumber }),
        ...(input.deviceId === undefined ? {} : { deviceId: input.deviceId }),
      };
      await insertCertificate(transaction, { ...record, ...(linkedCard === undefined ? {} : { linkedCardSerialHex: linkedCard.serialHex }) });
      issued[kind] = record;
    }
    return { userAuthentication: issued.userAuthentication as CertificateRecord, signature: issued.signature as CertificateRecord };
  }

  async #withSerialRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        // 64 random bits make a collision all but impossible; if one happens the whole transaction is redone.
        if (!isUniqueViolation(error)) throw error;
        if (attempt >= 3) throw new CaError('CA_SERIAL_COLLISION', 'three serial-number collisions in a row: the random source is broken', { cause: error });
      }
    }
  }

  #checkPublicKeys(keys: KeyPairPublicKeys): void {
    checkSubjectPublicKey(keys.signature, 'the signature public key');
    checkSubjectPublicKey(keys.userAuthentication, 'the user-authentication public key');
    if (Buffer.from(keys.signature).equals(Buffer.from(keys.userAuthentication))) throw new CaError('CA_BAD_PUBLIC_KEY', 'the signature and user-authentication keys must differ');
  }

  async #holder(executor: SqlExecutor, holderId: string): Promise<HolderRecord> {
    const result = await executor.query<{ basic_four_info: string; municipality_code: string }>('SELECT basic_four_info, municipality_code FROM holders WHERE holder_id = $1 FOR UPDATE', [holderId]);
    const row = result.rows[0];
    if (row === undefined) throw new CaError('CA_UNKNOWN_HOLDER', `no holder ${holderId.slice(0, 64)}`);
    return { holderId, basicFourInfo: JSON.parse(row.basic_four_info) as BasicFourInfo, municipalityCode: row.municipality_code };
  }

  // ---- status changes ----

  /** Revokes a good or held certificate. `certificateHold` places a hold instead (see hold()). */
  async revoke(serialNumber: bigint, reason: RevocationReason, at?: Date): Promise<CertificateRecord> {
    const checked = revocationReasonFor(reason);
    if (checked === 'certificateHold') return this.hold(serialNumber, at);
    return this.#changeStatus(serialNumber, (record, time) => {
      if (record.status === 'revoked') throw new CaError('CA_ALREADY_REVOKED', `certificate ${record.serialHex} was revoked at ${record.revokedAt?.toISOString() ?? '?'} (${record.reason ?? '?'})`);
      return { status: 'revoked', revokedAt: time, reason: checked };
    }, at);
  }

  /** 一時保留: the certificate is reported revoked with reason certificateHold until released. */
  async hold(serialNumber: bigint, at?: Date): Promise<CertificateRecord> {
    return this.#changeStatus(serialNumber, (record, time) => {
      if (record.status !== 'good') throw new CaError('CA_ALREADY_REVOKED', `certificate ${record.serialHex} is ${record.status}; only a good certificate can be held`);
      return { status: 'held', revokedAt: time, reason: 'certificateHold' };
    }, at);
  }

  /** Lifts a hold: the certificate is good again (a delta CRL would list it as removeFromCRL). */
  async release(serialNumber: bigint, at?: Date): Promise<CertificateRecord> {
    return this.#changeStatus(serialNumber, (record) => {
      if (record.status !== 'held') throw new CaError('CA_NOT_HELD', `certificate ${record.serialHex} is ${record.status}, not held`);
      return { status: 'good', revokedAt: null, reason: null };
    }, at);
  }

  async #changeStatus(
    serialNumber: bigint,
    next: (record: CertificateRecord, at: Date) => { status: 'good' | 'held' | 'revoked'; revokedAt: Date | null; reason: RevocationReason | null },
    at: Date | undefined,
  ): Promise<CertificateRecord> {
    const serialHex = serialToHex(serialNumber);
    const time = at ?? this.#clock();
    return this.database.transaction(async (transaction) => {
      await bumpChangeCounter(transaction);
      const record = await findCertificate(transaction, serialHex, { forUpdate: true });
      if (record === undefined) throw new CaError('CA_UNKNOWN_CERTIFICATE', `no certificate with serial ${serialHex} was issued by this CA`);
      const change = next(record, time);
      await setStatus(transaction, serialHex, change.status, change.revokedAt, change.reason);
      const { revokedAt: _revokedAt, reason: _reason, ...rest } = record;
      return { ...rest, status: change.status, ...(change.revokedAt === null ? {} : { revokedAt: change.revokedAt }), ...(change.reason === null ? {} : { reason: change.reason }) };
    });
  }

  // ---- reading ----

  async certificate(serialNumber: bigint): Promise<CertificateRecord | undefined> {
    return findCertificate(this.database, serialToHex(serialNumber));
  }

  async holder(holderId: string): Promise<HolderRecord> {
    return this.#holder(this.database, holderId);
  }

  async holderCertificates(holderId: string): Promise<CertificateRecord[]> {
    const result = await this.database.query<CertificateRow>(`SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE holder_id = $1 ORDER BY issued_at, carrier, kind`, [holderId]);
    return result.rows.map(certificateFromRow);
  }

  /**
   * Checks the stored state against the rules the CA keeps: every certificate decodes, carries
   * its stored serial and validity, verifies under its CA; a holder has at most one live card
   * and one live phone certificate per kind; phone certificates end no later than their card
   * certificate; signature certificates no later than the authentication certificate issued
   * with them; linkage records join certificates of one kind. Returns the problems found.
   */
  async checkConsistency(): Promise<string[]> {
    const problems: string[] = [];
    const caKeys = new Map(this.#generations.map((generation) => [generation.caId, new X509Certificate(generation.certificate).publicKey]));
    const all = (await this.database.query<CertificateRow>(`SELECT ${CERTIFICATE_COLUMNS} FROM certificates ORDER BY issued_at, serial_hex`)).rows.map(certificateFromRow);
    const bySerial = new Map(all.map((record) => [record.serialHex, record]));
    const now = this.#clock();
    for (const record of all) {
      const certificate = decodeCertificate(record.der);
      if (certificate.tbsCertificate.serialNumber !== record.serialNumber) problems.push(`${record.serialHex}: DER serial differs`);
      if (certificate.tbsCertificate.validity.notAfter.value.getTime() !== record.notAfter.getTime()) problems.push(`${record.serialHex}: DER notAfter differs from the stored one`);
      const key = caKeys.get(record.caId);
      if (key === undefined || !new X509Certificate(record.der).verify(key)) problems.push(`${record.serialHex}: does not verify under ${record.caId}`);
      if (record.carrier === 'smartphone') {
        const card = record.linkedCardSerialNumber === undefined ? undefined : bySerial.get(serialToHex(record.linkedCardSerialNumber));
        if (card === undefined || card.kind !== record.kind || card.carrier !== 'card') problems.push(`${record.serialHex}: linked card certificate missing or of another kind`);
        else if (record.notAfter > card.notAfter) problems.push(`${record.serialHex}: outlives its card certificate`);
      }
    }
    const live = all.filter((record) => isLive(record, now));
    const groups = new Map<string, number>();
    for (const record of live) groups.set(`${record.holderId}/${record.carrier}/${record.kind}`, (groups.get(`${record.holderId}/${record.carrier}/${record.kind}`) ?? 0) + 1);
    for (const [group, count] of groups) if (count > 1) problems.push(`${group}: ${count} live certificates`);
    const byIssuance = new Map<string, CertificateRecord[]>();
    for (const record of all) byIssuance.set(`${record.holderId}/${record.carrier}/${record.issuedAt.getTime()}`, [...(byIssuance.get(`${record.holderId}/${record.carrier}/${record.issuedAt.getTime()}`) ?? []), record]);
    for (const [key, records] of byIssuance) {
      const auth = records.find((record) => record.kind === 'userAuthentication');
      const signature = records.find((record) => record.kind === 'signature');
      if (auth === undefined || signature === undefined) problems.push(`${key}: issued without its pair`);
      else if (signature.notAfter > auth.notAfter) problems.push(`${key}: the signature certificate outlives the authentication certificate`);
    }
    const links = await this.database.query<{ old_serial_hex: string; new_serial_hex: string; reason: string }>('SELECT old_serial_hex, new_serial_hex, reason FROM linkage_records ORDER BY record_id');
    for (const link of links.rows) {
      const before = bySerial.get(link.old_serial_hex);
      const after = bySerial.get(link.new_serial_hex);
      if (before === undefined || after === undefined || before.kind !== after.kind) problems.push(`linkage ${link.old_serial_hex} → ${link.new_serial_hex}: certificates missing or of different kinds`);
      else if (before.holderId !== after.holderId) problems.push(`linkage ${link.old_serial_hex} → ${link.new_serial_hex}: different holders`);
      else if (link.reason.startsWith('mobile') !== (after.carrier === 'smartphone')) problems.push(`linkage ${link.old_serial_hex} → ${link.new_serial_hex}: reason ${link.reason} on a ${after.carrier} certificate`);
    }
    return problems;
  }

  // ---- RevocationSource ----

  issuers(): readonly RevocationIssuer[] {
    return this.#issuers;
  }

  async statusOf(caId: JpkiCaId, serialNumber: bigint): Promise<CertificateStatusEntry> {
    if (serialNumber <= 0n) return { serialNumber, status: 'unknown' };
    const record = await findCertificate(this.database, serialToHex(serialNumber));
    if (record === undefined || record.caId !== caId) return { serialNumber, status: 'unknown' };
    return this.#statusEntry(record);
  }

  #statusEntry(record: CertificateRecord): CertificateStatusEntry {
    if (record.status === 'good') return { serialNumber: record.serialNumber, status: 'good' };
    return { serialNumber: record.serialNumber, status: 'revoked', revokedAt: record.revokedAt as Date, reason: record.reason as RevocationReason };
  }

  async *currentStatuses(caId: JpkiCaId): AsyncIterable<CertificateStatusEntry> {
    const now = this.#clock();
    for await (const record of this.#pages(`ca_id = $1 AND not_after > $2`, [caId, now])) yield this.#statusEntry(record);
  }

  async changeCounter(): Promise<bigint> {
    const result = await this.database.query<{ value: string }>('SELECT value::text AS value FROM change_counter');
    return BigInt(result.rows[0]?.value ?? '0');
  }

  async distributionPoints(caId: JpkiCaId): Promise<readonly CrlDistributionPoint[]> {
    const kind = this.generation(caId).kind;
    const result = await this.database.query<{ municipality_code: string }>('SELECT DISTINCT municipality_code FROM certificates WHERE ca_id = $1 ORDER BY municipality_code', [caId]);
    return result.rows.map((row) => ({ municipalityCode: row.municipality_code, name: nameToDer(crlDistributionPointName(kind, row.municipality_code)) }));
  }

  async *revokedEntries(caId: JpkiCaId, scope: { readonly municipalityCode: string } | 'arl'): AsyncIterable<RevokedEntry> {
    if (scope === 'arl') {
      const kind = this.generation(caId).kind;
      const result = await this.database.query<{ serial_hex: string; revoked_at: Date; revocation_reason: string }>(
        'SELECT serial_hex, revoked_at, revocation_reason FROM ca_generations WHERE kind = $1 AND revoked_at IS NOT NULL AND not_after > $2 ORDER BY serial_hex',
        [kind, this.#clock()],
      );
      for (const row of result.rows) yield { serialNumber: BigInt(`0x${row.serial_hex}`), revokedAt: row.revoked_at, reason: row.revocation_reason as RevocationReason };
      return;
    }
    for await (const record of this.#pages(`ca_id = $1 AND not_after > $2 AND status <> 'good' AND municipality_code = $3`, [caId, this.#clock(), scope.municipalityCode])) {
      yield { serialNumber: record.serialNumber, revokedAt: record.revokedAt as Date, reason: record.reason as RevocationReason };
    }
  }

  async *linkageRecords(caId: JpkiCaId): AsyncIterable<LinkageRecordEntry> {
    let after = '0';
    for (;;) {
      const result = await this.database.query<{ record_id: string; old_serial_hex: string; new_serial_hex: string; reason: LinkageRecordEntry['reason']; linked_at: Date }>(
        'SELECT record_id::text AS record_id, old_serial_hex, new_serial_hex, reason, linked_at FROM linkage_records WHERE ca_id = $1 AND record_id > $2::bigint ORDER BY record_id LIMIT $3',
        [caId, after, PAGE_SIZE],
      );
      for (const row of result.rows) {
        yield { oldSerialNumber: BigInt(`0x${row.old_serial_hex}`), newSerialNumber: BigInt(`0x${row.new_serial_hex}`), reason: row.reason, linkedAt: row.linked_at };
      }
      const last = result.rows.at(-1);
      if (last === undefined || result.rows.length < PAGE_SIZE) return;
      after = last.record_id;
    }
  }

  /** Keyset pages in serial order, so a large CA streams in bounded memory. */
  async *#pages(condition: string, params: readonly (string | Date)[]): AsyncIterable<CertificateRecord> {
    let after = '';
    for (;;) {
      const result = await this.database.query<CertificateRow>(
        `SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE ${condition} AND serial_hex COLLATE "C" > $${params.length + 1} ORDER BY serial_hex COLLATE "C" LIMIT ${PAGE_SIZE}`,
        [...params, after],
      );
      for (const row of result.rows) yield certificateFromRow(row);
      const last = result.rows.at(-1);
      if (last === undefined || result.rows.length < PAGE_SIZE) return;
      after = last.serial_hex;
    }
  }
}
