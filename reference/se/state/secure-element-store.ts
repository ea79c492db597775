/**
 * Many secure elements in one folder, one JSON file per SE id (`<id>.se.json`, mode 0600: the
 * files hold SCP03 keys). Every acknowledged change is written atomically before the card answers
 * (SecureElementOptions.persist); reopening restores the registry, the keysets and every applet
 * through its class's restore(). A file that cannot be read back is reported as a typed error
 * naming it — never a crash, never a silent reset to a blank card.
 */
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AppletClass } from '../applet.js';
import type { SecureElementFaults } from '../card-manager/card-manager-host.js';
import { SecureElement, type SecureElementOptions } from '../secure-element.js';
import { SecureElementError, SecureElementStateError } from '../se-errors.js';
import { writeFileAtomically } from '../../../runtime/durable-file.js';
import { readSnapshot, type SecureElementSnapshot } from './snapshot.js';

const SUFFIX = '.se.json';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export class SecureElementStore {
  readonly folder: string;

  private constructor(folder: string) {
    this.folder = folder;
  }

  /** Opens (creating, mode 0700) the folder of a store. */
  static async open(folder: string): Promise<SecureElementStore> {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    return new SecureElementStore(path.resolve(folder));
  }

  fileOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new SecureElementError('SE_INVALID_ID', `secure element id '${id.slice(0, 40)}' must be 1–128 letters, digits, '-' or '_'`);
    return path.join(this.folder, `${id}${SUFFIX}`);
  }

  async ids(): Promise<string[]> {
    const names = await readdir(this.folder);
    return names.filter((name) => name.endsWith(SUFFIX)).map((name) => name.slice(0, -SUFFIX.length)).sort();
  }

  async has(id: string): Promise<boolean> {
    return (await this.ids()).includes(id) && ID_PATTERN.test(id);
  }

  /** Reads and checks a stored snapshot. */
  async read(id: string): Promise<SecureElementSnapshot> {
    const file = this.fileOf(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SecureElementError('SE_NOT_FOUND', `no secure element '${id}' in ${this.folder}`);
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new SecureElementStateError(file, '', `JSON (${(error as Error).message})`, { cause: error });
    }
    return readSnapshot(json, file);
  }

  async write(id: string, snapshot: SecureElementSnapshot): Promise<void> {
    await writeFileAtomically(this.fileOf(id), `${JSON.stringify(snapshot)}\n`);
  }

  async remove(id: string): Promise<void> {
    await unlink(this.fileOf(id)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

export type CreateSecureElementOptions = Omit<SecureElementOptions, 'persist'>;

/**
 * A new secure element. With a store and an id it is saved at once and after every acknowledged
 * change (an existing id is refused); without, it lives in memory only.
 */
export async function createSecureElement(options: CreateSecureElementOptions = {}, storage?: { readonly store: SecureElementStore; readonly id: string }): Promise<SecureElement> {
  if (storage === undefined) return new SecureElement(options);
  const { store, id } = storage;
  store.fileOf(id);
  if (await store.has(id)) throw new SecureElementError('SE_ALREADY_EXISTS', `secure element '${id}' already exists in ${store.folder}`);
  const card = new SecureElement({ ...options, persist: (snapshot) => store.write(id, snapshot) });
  await store.write(id, card.snapshot());
  return card;
}

/** Reopens a stored secure element with the ROM it was built with; its changes keep being saved. */
export async function openSecureElement(store: SecureElementStore, id: string, rom: readonly AppletClass[] = [], options: { readonly faults?: SecureElementFaults } = {}): Promise<SecureElement> {
  const snapshot = await store.read(id);
  return SecureElement.fromSnapshot(snapshot, {
    rom,
    file: store.fileOf(id),
    persist: (next) => store.write(id, next),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
}
