import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../helpers/run-cli.js';
import { editSpec, repositoryRoot, snapshotTree, useTemporaryProjects } from '../../helpers/temporary-project.js';

const project = useTemporaryProjects({ kinds: ['messages'] });

describe('jpkigen CLI', () => {
  it.each([[[]], [['generate']], [['check']], [['demo']], [['validate']], [['conformance']], [['conformance', 'scp03']]])('prints help for %j', (command) => {
    const run = runCli([...command, '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--json');
    expect(run.stdout).toContain('jpkigen');
  });

  it('exits 2 on an unknown command or option', () => {
    expect(runCli(['frobnicate']).status).toBe(2);
    expect(runCli(['generate', '--no-such-option']).status).toBe(2);
    expect(runCli([]).status).toBe(2);
  });

  it('check exits 1 naming the stale file after a spec edit, 0 after generate', () => {
    const { root } = project();
    expect(runCli(['check', '--root', root]).status).toBe(0);
    editSpec(root, 'messages/common/certificate-kind.yaml', (text) => text.replace('description: >', 'description: >\n  Edited.'));
    const stale = runCli(['check', '--root', root]);
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain('stale   generated/messages/types.ts');
    const json = runCli(['check', '--root', root, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, stale: expect.arrayContaining(['messages/types.ts']) });
    expect(runCli(['generate', '--root', root]).status).toBe(0);
    expect(runCli(['check', '--root', root]).status).toBe(0);
  });

  it('running generate twice changes nothing the second time', () => {
    const { root } = project();
    runCli(['generate', '--root', root]);
    const before = snapshotTree(path.join(root, 'generated'));
    const second = runCli(['generate', '--root', root, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, upToDate: true, written: [] });
    expect(snapshotTree(path.join(root, 'generated'))).toEqual(before);
  });

  describe('bad specs exit 2 with file:line:column and leave generated/ untouched', () => {
    const cases: [string, string, (text: string) => string, RegExp][] = [
      ['malformed YAML', 'mynaportal/auth-request.yaml', (text) => text.replace('type: object', 'type: { object'), /auth-request\.yaml:\d+:\d+: well-formed YAML/],
      ['a meta-schema failure', 'mynaportal/auth-request.yaml', (text) => text.replace('maxLength: 512', 'maxLength: -1'), /auth-request\.yaml:\d+:\d+: .*minimum/],
      ['an unknown keyword', 'mynaportal/auth-request.yaml', (text) => text.replace('maxLength: 512', 'maxLenght: 512'), /auth-request\.yaml:\d+:5: no property 'maxLenght'/],
      ['a $ref to nowhere', 'mynaportal/auth-request.yaml', (text) => text.replace('  state:\n', '  state:\n    $ref: ../common/nowhere.yaml\n'), /auth-request\.yaml:\d+:5: a \$ref to an existing message file/],
      ['a circular $ref', 'common/certificate-kind.yaml', (text) => `${text}$ref: ./certificate-kind.yaml\n`.replace(/\ntype: string\nenum: .*\n/, '\n'), /certificate-kind\.yaml:\d+:1: a \$ref chain that ends in a schema/],
      ['a duplicate message name', 'common/certificate-kind.yaml', (text) => text.replace('title: CertificateKind', 'title: AuthRequest'), /\.yaml:\d+:1: a unique type name, but 'AuthRequest' is already defined at/],
    ];
    it.each(cases)('%s', (_name, file, edit, expected) => {
      const { root } = project();
      const before = snapshotTree(path.join(root, 'generated'));
      editSpec(root, `messages/${file}`, edit);
      const run = runCli(['generate', '--root', root]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(expected);
      expect(snapshotTree(path.join(root, 'generated'))).toEqual(before);
      const json = runCli(['generate', '--root', root, '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { file: expect.stringContaining('spec/messages/'), line: expect.any(Number), column: expect.any(Number) } });
    });
  });

  it('validate accepts a valid message and lists every failure of an invalid one', () => {
    const valid = {
      messageType: 'authRequest',
      serviceId: 'RP00000001',
      requestId: '0b7f1c2e-4d5a-4e8b-9c3d-2f1e0a9b8c7d',
      nonce: 'q83vEjRWeJCrze8SNFZ4kA',
      callbackUri: 'https://service.example.jp/cb',
      state: 's',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      codeChallengeMethod: 'S256',
    };
    expect(runCli(['validate', 'AuthRequest', '-'], { input: JSON.stringify(valid) }).status).toBe(0);
    const invalid = runCli(['validate', 'AuthRequest', '-', '--json'], { input: JSON.stringify({ ...valid, nonce: 'x', extra: 1 }) });
    expect(invalid.status).toBe(1);
    const issues = (JSON.parse(invalid.stdout) as { error: { issues: { pointer: string; keyword: string }[] } }).error.issues;
    expect(issues).toContainEqual(expect.objectContaining({ pointer: '/nonce', keyword: 'pattern' }));
    expect(issues).toContainEqual(expect.objectContaining({ pointer: '', keyword: 'additionalProperties' }));
    expect(runCli(['validate', 'NoSuchMessage', '-'], { input: '{}' }).status).toBe(2);
    expect(runCli(['validate', 'AuthRequest', '-'], { input: '{not json' }).status).toBe(2);
  });

  it('demo runs every embedded case through the generated code and prints one table per area', () => {
    const run = runCli(['demo']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/area\s+message\s+provenance\s+valid ok\s+invalid ok\s+result/);
    expect(run.stdout).toMatch(/table\s+commands\s+examples ok\s+refused with the named SW\s+result/);
    expect(run.stdout).toMatch(/life cycle\s+states\s+events\s+transitions\s+result/);
    expect(run.stdout).toMatch(/session\s+side\s+checks\s+result/);
    expect(run.stdout).toMatch(/✓ provision the phone: JPKI applet loaded, installed and personalized in its GP-SE over SCP03/u);
    expect(run.stdout).toMatch(/after revocation\s+smartphone signature\s+crl\s+invalid: certificateRevoked\s+certificateRevoked\s+ok/u);
    expect(run.stdout).toMatch(/all checks passed/);
    expect(run.stdout).not.toContain('\u001b[');
  }, 240_000);

  it('demo --json counts what the spec files hold', () => {
    const report = JSON.parse(runCli(['demo', '--json']).stdout) as {
      ok: boolean;
      messages: unknown[];
      apdu: { table: string; dispatched: number; refusedAsExpected: number }[];
      scp03: { passed: boolean }[];
      pki: { ok: boolean; decisions: { when: string; revocationSource: string; decision: string; reasons: string[] }[] };
    };
    expect(report.ok).toBe(true);
    const messageFiles = readdirSync(path.join(repositoryRoot, 'spec/messages'), { recursive: true }).filter((name) => String(name).endsWith('.yaml'));
    expect(report.messages).toHaveLength(messageFiles.length);
    for (const row of report.apdu) {
      const spec = parseYaml(readFileSync(path.join(repositoryRoot, 'spec/apdu', `${row.table}.yaml`), 'utf8')) as { examples: unknown[]; 'x-invalid-examples': unknown[] };
      expect([row.dispatched, row.refusedAsExpected]).toEqual([spec.examples.length, spec['x-invalid-examples'].length]);
    }
    expect(report.scp03.length).toBeGreaterThanOrEqual(8);
    expect(report.scp03.every((result) => result.passed)).toBe(true);
    expect(report.pki.ok).toBe(true);
    expect(report.pki.decisions.map((row) => `${row.when}/${row.revocationSource}: ${row.decision} ${row.reasons.join(',')}`)).toEqual([
      'after issuance/ocsp: valid ',
      'after issuance/crl: valid ',
      'after revocation/ocsp: invalid certificateRevoked',
      'after revocation/crl: invalid certificateRevoked',
      'on hold/ocsp: invalid certificateOnHold',
      'after release/crl: valid ',
    ]);
  }, 240_000);

  it('stops quietly when the reader of its output has gone away (EPIPE)', async () => {
    const cli = path.join(repositoryRoot, 'bin', 'jpkigen.js');
    const child = spawn(process.execPath, [cli, 'asn1', 'dump', '--pem', path.join(repositoryRoot, '../shared/fixtures/jpki-ca/sign_ca_2023.pem')]);
    child.stdout.destroy(); // closes our end of the pipe before the child writes
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
