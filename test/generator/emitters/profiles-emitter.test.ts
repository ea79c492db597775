import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilesEmitter } from '../../../generator/emitters/profiles/profiles-emitter.js';
import { createTemplateRenderer } from '../../../generator/printer/templates.js';
import { readProfiles } from '../../../generator/readers/profiles-reader.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';

const ir = readProfiles(readdirSync('spec/profiles').map((file) => parseYamlSource(`spec/profiles/${file}`, readFileSync(`spec/profiles/${file}`, 'utf8'))));
const files = profilesEmitter.emit(ir, { runtimeImport: '../../runtime/index.js', renderTemplate: createTemplateRenderer(path.resolve('templates')) });

describe('profilesEmitter', () => {
  it('emits the data (as is, no formatter) and the typed wrappers', () => {
    expect(files.map((file) => [file.path, file.preformatted === true])).toEqual([
      ['profiles/data.ts', true],
      ['profiles/index.ts', false],
    ]);
  });

  it('types the profile names from the spec', () => {
    const index = files.find((file) => file.path === 'profiles/index.ts')?.content ?? '';
    expect(index).toContain("export type CertificateProfileName = 'cardAuthentication' | 'cardSignature' | 'jpkiCa' | 'smartphoneAuthentication' | 'smartphoneSignature';");
    expect(index).toContain("export type CrlProfileName = 'crl';");
    expect(index).toContain("from '../../runtime/profiles/index.js'");
  });

  it('writes each profile as a typed constant whose JSON is the read data', () => {
    const data = files.find((file) => file.path === 'profiles/data.ts')?.content ?? '';
    for (const profile of ir.profiles) {
      const start = data.indexOf(`export const ${profile.data.name}: `);
      expect(start).toBeGreaterThan(0);
      const json = data.slice(data.indexOf('= ', start) + 2, data.indexOf('};', start) + 1);
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(profile.data)));
    }
  });
});
