/**
 * The old/new linkage list (新旧紐付け情報) a CA publishes beside its CRLs: the CA-signed DER of
 * our JPKI-Linkage module (spec/asn1/jpki-linkage.asn — a simulation; the J-LIS format is not
 * public, jpki.md §3) and the JSON view of spec/messages/revocation/linkage-list.yaml.
 */
import { encodeLinkageList, encodeTBSLinkageList, type TBSLinkageList } from '../../generated/asn1/index.js';
import type { JpkiCaId } from '../../generated/messages/types.js';
import type { components } from '../../generated/openapi/revocation/types.js';
import { crlNumberFor, wholeSeconds } from './crl-builder.js';
import type { IssuerIdentity } from './revocation-service-issuer.js';
import type { LinkageRecordEntry } from './revocation-source.js';

export type LinkageListJson = components['schemas']['LinkageList'];

export interface BuiltLinkageList {
  readonly der: Uint8Array;
  /** Like cRLNumber: thisUpdate's Unix seconds, so it grows without stored state (see crlNumberFor). */
  readonly listNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly records: readonly LinkageRecordEntry[];
}

export interface LinkageListInput {
  readonly identity: IssuerIdentity;
  readonly records: AsyncIterable<LinkageRecordEntry> | Iterable<LinkageRecordEntry>;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

export async function buildLinkageList(input: LinkageListInput): Promise<BuiltLinkageList> {
  const { identity } = input;
  const thisUpdate = wholeSeconds(input.thisUpdate);
  const nextUpdate = wholeSeconds(input.nextUpdate);
  const records: LinkageRecordEntry[] = [];
  for await (const record of input.records) records.push(record);
  const tbs: TBSLinkageList = {
    issuer: identity.subject,
    thisUpdate,
    nextUpdate,
    records: records.map((record) => ({
      issuer: identity.subject,
      oldSerialNumber: record.oldSerialNumber,
      newSerialNumber: record.newSerialNumber,
      reason: record.reason,
      linkedAt: wholeSeconds(record.linkedAt),
    })),
  };
  const tbsDer = encodeTBSLinkageList(tbs);
  const signature = await identity.issuer.sign(tbsDer);
  const der = encodeLinkageList({ tbsLinkageList: { ...tbs, $der: tbsDer }, signatureAlgorithm: identity.signatureAlgorithm, signature: { bytes: signature, unusedBits: 0 } });
  return { der, listNumber: crlNumberFor(thisUpdate), thisUpdate, nextUpdate, records };
}

/** A serial as the revocation API writes it: uppercase hex, an even number of digits. */
export function serialHex(serialNumber: bigint): string {
  const hex = serialNumber.toString(16).toUpperCase();
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

/**
 * The JSON view. `since` is a list number: list numbers are Unix seconds, so "records linked at or
 * after list number N" are those whose linkedAt is at or after second N.
 */
export function linkageListJson(caId: JpkiCaId, list: BuiltLinkageList, since?: number): LinkageListJson {
  const records = since === undefined ? list.records : list.records.filter((record) => Math.floor(record.linkedAt.getTime() / 1000) >= since);
  return {
    issuer: caId,
    listNumber: Number(list.listNumber),
    thisUpdate: list.thisUpdate.toISOString().replace('.000Z', 'Z'),
    nextUpdate: list.nextUpdate.toISOString().replace('.000Z', 'Z'),
    records: records.map((record) => ({
      issuer: caId,
      oldSerial: serialHex(record.oldSerialNumber),
      newSerial: serialHex(record.newSerialNumber),
      reason: record.reason,
      linkedAt: wholeSeconds(record.linkedAt).toISOString().replace('.000Z', 'Z'),
    })),
  };
}
