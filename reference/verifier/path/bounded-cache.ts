/**
 * A bounded map with second-chance (CLOCK) eviction, close to least-recently-used. Verification
 * runs on untrusted input at server rates, so every memo (decoded structures, signature verdicts,
 * public-key objects) must have a ceiling; a hit only sets a flag, which keeps the hot path free
 * of map reordering.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, { value: V; used: boolean }>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  set(key: K, value: V): void {
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      existing.value = value;
      existing.used = true;
      return;
    }
    if (this.#entries.size >= this.#capacity) this.#evictOne();
    this.#entries.set(key, { value, used: false });
  }

  /** Oldest first: a used entry gets a second chance at the back, the first unused one goes. */
  #evictOne(): void {
    for (const [key, entry] of this.#entries) {
      this.#entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.#entries.set(key, entry);
    }
  }

  getOrCreate(key: K, create: () => V): V {
    const found = this.get(key);
    if (found !== undefined) return found;
    const value = create();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/**
 * Values derived from DER bytes, cached by content (bounded). The cache keeps its own copy of the
 * bytes, so a caller that later overwrites its buffer cannot change a cached value. Look-ups go
 * first through a cheap fingerprint (length and trailing bytes, which for signed DER lie in the
 * signature value) and are confirmed by comparing every byte with the kept copy, so a server that
 * decodes the same certificates into fresh buffers on every request skips the SHA-256. Each
 * fingerprint holds two entries at most (inputs crafted to share one fall back to the hash), so
 * with entries the hash map has let go, at most three times `capacity` values stay reachable.
 */
export class ContentCache<V> {
  readonly #byHash: BoundedCache<string, CachedBytes<V>>;
  readonly #byFingerprint: BoundedCache<number, CachedBytes<V>[]>;
  readonly #hash: (bytes: Uint8Array) => string;

  constructor(capacity: number, hash: (bytes: Uint8Array) => string) {
    this.#byHash = new BoundedCache(capacity);
    this.#byFingerprint = new BoundedCache(capacity);
    this.#hash = hash;
  }

  get(bytes: Uint8Array, build: (copy: Uint8Array) => V): V {
    const fingerprint = fingerprintOf(bytes);
    const bucket = this.#byFingerprint.get(fingerprint);
    if (bucket !== undefined) {
      for (const known of bucket) if (sameBytes(known.copy, bytes)) return known.value;
    }
    const key = this.#hash(bytes);
    let entry = this.#byHash.get(key);
    if (entry === undefined) {
      const copy = Uint8Array.from(bytes);
      entry = { copy, value: build(copy) };
      this.#byHash.set(key, entry);
    }
    if (bucket === undefined) this.#byFingerprint.set(fingerprint, [entry]);
    else if (bucket.length < FINGERPRINT_BUCKET) bucket.push(entry);
    return entry.value;
  }
}

const FINGERPRINT_BUCKET = 2;

/**
 * The length and the last four bytes as one number (a number key needs no string hashing).
 * Collisions only cost a comparison; the full comparison decides.
 */
function fingerprintOf(bytes: Uint8Array): number {
  const length = bytes.length;
  let tail = 0;
  for (let index = Math.max(0, length - 4); index < length; index += 1) tail = tail * 256 + (bytes[index] as number);
  return (length % 0x20_0000) * 0x1_0000_0000 + tail;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

interface CachedBytes<V> {
  readonly copy: Uint8Array;
  readonly value: V;
}
