import type { BodyEncoding, MediaTypeDescriptor } from './operation.js';

/** `application/json; charset=utf-8` → `application/json`. */
export function essenceOf(contentType: string | null | undefined): string | undefined {
  if (contentType === null || contentType === undefined) return undefined;
  // No array from split: this runs on every request and answer.
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return essence === '' ? undefined : essence;
}

/** JSON for `application/json` and every `+json` suffix (RFC 6839), text for `text/*`, bytes otherwise. */
export function encodingOf(mediaType: string): BodyEncoding {
  const essence = essenceOf(mediaType) ?? '';
  if (essence === 'application/json' || essence.endsWith('+json') || essence === '*/*') return 'json';
  if (essence.startsWith('text/') || essence === 'application/x-www-form-urlencoded') return 'text';
  return 'binary';
}

/** Whether a concrete media type matches a pattern that may hold wildcards (`*\/*`, `image/*`). */
export function mediaTypeMatches(pattern: string, mediaType: string): boolean {
  const [patternType = '', patternSubtype = ''] = pattern.split('/');
  const [type = '', subtype = ''] = mediaType.split('/');
  return (patternType === '*' || patternType === type) && (patternSubtype === '*' || patternSubtype === subtype);
}

/** The declared media type a concrete one falls under, if any. */
export function findMediaType(declared: readonly MediaTypeDescriptor[], mediaType: string): MediaTypeDescriptor | undefined {
  return declared.find((candidate) => candidate.mediaType === mediaType) ?? declared.find((candidate) => mediaTypeMatches(candidate.mediaType, mediaType));
}

interface AcceptRange {
  readonly range: string;
  readonly quality: number;
  readonly order: number;
}

function parseAccept(accept: string): AcceptRange[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim());
      const q = parameters.find((parameter) => parameter.toLowerCase().startsWith('q='));
      const quality = q === undefined ? 1 : Number.parseFloat(q.slice(2));
      return { range: range.toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, order };
    })
    .filter((entry) => entry.range !== '' && entry.quality > 0);
}

/**
 * Picks the offered media type the Accept header (RFC 9110 §12.5.1) likes best; ties go to the
 * offer listed first. No Accept header accepts everything.
 */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === '') return offered[0];
  const ranges = parseAccept(accept);
  let best: { offer: string; quality: number; specificity: number; index: number } | undefined;
  offered.forEach((offer, index) => {
    const matching = ranges
      .filter((range) => mediaTypeMatches(range.range, offer) || mediaTypeMatches(offer, range.range))
      .sort((a, b) => specificity(b.range) - specificity(a.range) || a.order - b.order)[0];
    if (matching === undefined) return;
    const candidate = { offer, quality: matching.quality, specificity: specificity(matching.range), index };
    if (best === undefined || candidate.quality > best.quality) best = candidate;
  });
  return best?.offer;
}

function specificity(range: string): number {
  if (range === '*/*') return 0;
  return range.endsWith('/*') ? 1 : 2;
}
