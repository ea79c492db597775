/** The CA's rows and the SQL that reads and writes them (the same statements on PGlite and PostgreSQL). */
import type { CertificateCarrier, CertificateKind, JpkiCaId, RevocationReason } from '../../generated/messages/types.js';
import type { SqlExecutor } from './database/sql-client.js';
import { serialFromHex } from './serial-numbers.js';

export type StoredStatus = 'good' | 'held' | 'revoked';

/** One certificate the CA issued, as stored. */
export interface CertificateRecord {
  readonly caId: JpkiCaId;
  readonly serialNumber: bigint;
  /** DER INTEGER content octets, uppercase hex (the CertificateSerial message form). */
  readonly serialHex: string;
  readonly der: Uint8Array;
  readonly kind: CertificateKind;
  readonly carrier: CertificateCarrier;
  readonly holderId: string;
  readonly municipalityCode: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly issuedAt: Date;
  readonly status: StoredStatus;
  readonly revokedAt?: Date;
  readonly reason?: RevocationReason;
  /** Smartphone certificates: the card certificate (same kind) they were issued from. */
  readonly linkedCardSerialNumber?: bigint;
  readonly deviceId?: string;
}

export interface CertificateRow {
  ca_id: string;
  serial_hex: string;
  der: Uint8Array;
  kind: string;
  carrier: string;
  holder_id: string;
  municipality_code: string;
  not_before: Date;
  not_after: Date;
  issued_at: Date;
  status: string;
  revoked_at: Date | null;
  revocation_reason: string | null;
  linked_card_serial_hex: string | null;
  device_id: string | null;
}

export const CERTIFICATE_COLUMNS =
  'ca_id, serial_hex, der, kind, carrier, holder_id, municipality_code, not_before, not_after, issued_at, status, revoked_at, revocation_reason, linked_card_serial_hex, device_id';

export function certificateFromRow(row: CertificateRow): CertificateRecord {
  return {
    caId: row.ca_id as JpkiCaId,
    serialNumber: serialFromHex(row.serial_hex),
    serialHex: row.serial_hex,
    der: row.der,
    kind: row.kind as CertificateKind,
    carrier: row.carrier as CertificateCarrier,
    holderId: row.holder_id,
    municipalityCode: row.municipality_code,
    notBefore: row.not_before,
    notAfter: row.not_after,
    issuedAt: row.issued_at,
    status: row.status as StoredStatus,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
    ...(row.revocation_reason === null ? {} : { reason: row.revocation_reason as RevocationReason }),
    ...(row.linked_card_serial_hex === null ? {} : { linkedCardSerialNumber: serialFromHex(row.linked_card_serial_hex) }),
    ...(row.device_id === null ? {} : { deviceId: row.device_id }),
  };
}

export async function insertCertificate(executor: SqlExecutor, record: CertificateRecord & { readonly linkedCardSerialHex?: string }): Promise<void> {
  await executor.query(
    `INSERT INTO certificates (${CERTIFICATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      record.caId,
      record.serialHex,
      record.der,
      record.kind,
      record.carrier,
      record.holderId,
      record.municipalityCode,
      record.notBefore,
      record.notAfter,
      record.issuedAt,
      record.status,
      record.revokedAt ?? null,
      record.reason ?? null,
      record.linkedCardSerialHex ?? null,
      record.deviceId ?? null,
    ],
  );
}

export async function findCertificate(executor: SqlExecutor, serialHex: string, options: { forUpdate?: boolean } = {}): Promise<CertificateRecord | undefined> {
  const result = await executor.query<CertificateRow>(`SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE serial_hex = $1${options.forUpdate === true ? ' FOR UPDATE' : ''}`, [serialHex]);
  const row = result.rows[0];
  return row === undefined ? undefined : certificateFromRow(row);
}

export async function holderCertificates(executor: SqlExecutor, holderId: string, carrier: CertificateCarrier): Promise<CertificateRecord[]> {
  const result = await executor.query<CertificateRow>(
    `SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE holder_id = $1 AND carrier = $2 ORDER BY issued_at DESC, serial_hex FOR UPDATE`,
    [holderId, carrier],
  );
  return result.rows.map(certificateFromRow);
}

export async function setStatus(executor: SqlExecutor, serialHex: string, status: StoredStatus, revokedAt: Date | null, reason: RevocationReason | null): Promise<void> {
  await executor.query('UPDATE certificates SET status = $2, revoked_at = $3, revocation_reason = $4 WHERE serial_hex = $1', [serialHex, status, revokedAt, reason]);
}

export async function insertLinkage(
  executor: SqlExecutor,
  record: { readonly caId: JpkiCaId; readonly oldCaId: JpkiCaId; readonly oldSerialHex: string; readonly newSerialHex: string; readonly reason: 'renewal' | 'reissue' | 'mobileIssued' | 'mobileReplaced'; readonly linkedAt: Date },
): Promise<void> {
  await executor.query('INSERT INTO linkage_records (ca_id, old_ca_id, old_serial_hex, new_serial_hex, reason, linked_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    record.caId,
    record.oldCaId,
    record.oldSerialHex,
    record.newSerialHex,
    record.reason,
    record.linkedAt,
  ]);
}

/** Every state change starts here: the counter row's lock also puts concurrent writers in line. */
export async function bumpChangeCounter(executor: SqlExecutor): Promise<bigint> {
  const result = await executor.query<{ value: string }>('UPDATE change_counter SET value = value + 1 RETURNING value::text AS value');
  return BigInt(result.rows[0]?.value ?? '0');
}
