/**
 * Keeps every issuer's current CRLs (one per municipality distribution point, plus the ARL) and
 * their linkage list: rebuilt daily (JPKI's CRL update interval, jpki.md §2.7), on demand, and
 * soon after the source's change counter moves.
 */
import { coalescedRun } from './coalesced-run.js';
import { createHash } from 'node:crypto';
import type { JpkiCaId } from '../../generated/messages/types.js';
import { buildCrl, crlNumberFor, type CrlScope } from './crl-builder.js';
import { buildLinkageList, type BuiltLinkageList } from './linkage-list.js';
import { describeIssuer, type IssuerIdentity } from './revocation-service-issuer.js';
import type { RevocationSource } from './revocation-source.js';

export interface PublishedCrl {
  readonly caId: JpkiCaId;
  /** A municipality code, or 'arl'. */
  readonly scope: string;
  /** The distribution point's DER directoryName (the CA's DN for the ARL). */
  readonly name: Uint8Array;
  readonly der: Uint8Array;
  readonly crlNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly entryCount: number;
  /** SHA-256 of `der`, uppercase hex. */
  readonly sha256: string;
}

export interface PublishedIssuer {
  readonly identity: IssuerIdentity;
  readonly arl: PublishedCrl;
  readonly distributionPoints: ReadonlyMap<string, PublishedCrl>;
  readonly linkage: BuiltLinkageList;
}

export interface CrlPublisherOptions {
  readonly clock?: () => Date;
  /** thisUpdate → next regular issue; 24 h. */
  readonly intervalMs?: number;
  /**
   * Added to the interval for nextUpdate; 1 h. A platform operator's CRL refresh takes 5–10 minutes
   * and may serve the previous day's CRL meanwhile (jpki.md §2.7, PocketSign), so the list must not
   * expire exactly when its successor is due.
   */
  readonly graceMs?: number;
  /** How often the source's change counter is read; 5 s. */
  readonly changePollMs?: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').toUpperCase();
}

export class CrlPublisher {
  private readonly source: RevocationSource;
  private readonly clock: () => Date;
  private readonly intervalMs: number;
  private readonly graceMs: number;
  private readonly changePollMs: number;
  private published = new Map<JpkiCaId, PublishedIssuer>();
  private lastCrlNumber = 0n;
  private seenCounter: bigint | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(source: RevocationSource, options: CrlPublisherOptions = {}) {
    this.source = source;
    this.clock = options.clock ?? (() => new Date());
    this.intervalMs = options.intervalMs ?? 24 * 3600_000;
    this.graceMs = options.graceMs ?? 3600_000;
    this.changePollMs = options.changePollMs ?? 5000;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timers.push(setInterval(() => void this.refresh().catch(() => undefined), this.intervalMs).unref());
    this.timers.push(setInterval(() => void this.refreshIfChanged().catch(() => undefined), this.changePollMs).unref());
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  issuer(caId: JpkiCaId): PublishedIssuer | undefined {
    return this.published.get(caId);
  }

  issuers(): readonly PublishedIssuer[] {
    return [...this.published.values()];
  }

  /** The current CRL of a distribution point ('arl' for the ARL). */
  crl(caId: JpkiCaId, scope: string): PublishedCrl | undefined {
    const issuer = this.published.get(caId);
    return scope === 'arl' ? issuer?.arl : issuer?.distributionPoints.get(scope);
  }

  async refreshIfChanged(): Promise<void> {
    const counter = await this.source.changeCounter();
    if (counter !== this.seenCounter) await this.refresh();
  }

  /** Issues new CRLs and linkage lists for every issuer; concurrent calls share a run (and one follow-up). */
  readonly refresh: () => Promise<void> = coalescedRun(() => this.rebuild());

  /**
   * thisUpdate is now (whole seconds) — never ahead of the clock, or a verifier would see a CRL
   * that is not yet valid — and cRLNumber is its Unix seconds, or one more than the last number
   * when two issues fall within one second, so it always grows.
   */
  private nextIssue(): { thisUpdate: Date; crlNumber: bigint } {
    const thisUpdate = new Date(Math.floor(this.clock().getTime() / 1000) * 1000);
    const byTime = crlNumberFor(thisUpdate);
    this.lastCrlNumber = byTime > this.lastCrlNumber ? byTime : this.lastCrlNumber + 1n;
    return { thisUpdate, crlNumber: this.lastCrlNumber };
  }

  private async rebuild(): Promise<void> {
    const counter = await this.source.changeCounter();
    const { thisUpdate, crlNumber } = this.nextIssue();
    const nextUpdate = new Date(thisUpdate.getTime() + this.intervalMs + this.graceMs);
    const next = new Map<JpkiCaId, PublishedIssuer>();
    for (const issuer of this.source.issuers()) {
      const identity = describeIssuer(issuer);
      const publish = async (scope: CrlScope, scopeName: string, entries: AsyncIterable<never> | ReturnType<RevocationSource['revokedEntries']>): Promise<PublishedCrl> => {
        const built = await buildCrl({ identity, scope, entries, thisUpdate, nextUpdate, crlNumber });
        return { caId: issuer.caId, scope: scopeName, name: scope.kind === 'arl' ? identity.subjectDer : scope.name, ...built, sha256: sha256Hex(built.der) };
      };
      const arl = await publish({ kind: 'arl' }, 'arl', this.source.revokedEntries(issuer.caId, 'arl'));
      const distributionPoints = new Map<string, PublishedCrl>();
      for (const point of await this.source.distributionPoints(issuer.caId)) {
        distributionPoints.set(point.municipalityCode, await publish({ kind: 'distributionPoint', name: point.name }, point.municipalityCode, this.source.revokedEntries(issuer.caId, { municipalityCode: point.municipalityCode })));
      }
      const linkage = await buildLinkageList({ identity, records: this.source.linkageRecords(issuer.caId), thisUpdate, nextUpdate });
      next.set(issuer.caId, { identity, arl, distributionPoints, linkage });
    }
    this.published = next;
    this.seenCounter = counter;
  }
}
