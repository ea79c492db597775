// Child process of durability.test.ts: runs CA operations in a loop on the built code (dist/) and
// prints one JSON line per operation only after the call returned (i.e. after its transaction
// committed). The parent kills it with SIGKILL at some point and checks every printed operation.
// Usage: node durability-child.mjs <dataDir> [databaseUrl]; passphrase in JPKIGEN_CA_PASSPHRASE.
import { generateKeyPairSync } from 'node:crypto';
import { writeSync } from 'node:fs';

const [dataDir, databaseUrl] = process.argv.slice(2);
const distIndex = new URL('../../../dist/reference/ca/index.js', import.meta.url);
const { openCertificateAuthorityInDirectory, serialToHex } = await import(distIndex.href);

const holder = {
  name: '公的　太郎',
  nameSubstitutionFlags: '00000',
  sex: '1',
  dateOfBirth: '319850515',
  address: '東京都千代田区霞が関九丁目九番九号',
  addressSubstitutionFlags: '00000000000000000',
};
const keys = Array.from({ length: 4 }, () => new Uint8Array(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' })));
const pair = (index) => ({ signature: keys[index % 4], userAuthentication: keys[(index + 1) % 4] });

// A synchronous write: the line is in the pipe before the next operation starts.
const acknowledge = (record) => writeSync(1, `${JSON.stringify(record)}\n`);

const opened = await openCertificateAuthorityInDirectory({
  dataDir,
  passphrase: process.env.JPKIGEN_CA_PASSPHRASE,
  create: true,
  scryptCost: { N: 1024, r: 8, p: 1 },
  ...(databaseUrl === undefined ? {} : { databaseUrl }),
});
const { authority } = opened;
await authority.bootstrap();
acknowledge({ op: 'ready' });

for (let index = 0; ; index += 1) {
  const card = await authority.issueCardPair({ holder, municipalityCode: index % 2 === 0 ? '13101' : '27127', publicKeys: pair(index) });
  acknowledge({ op: 'issueCard', holderId: card.holderId, signature: card.signature.serialHex, userAuthentication: card.userAuthentication.serialHex });
  const phone = await authority.issueSmartphonePair({ holderId: card.holderId, deviceId: `device-${index}`, publicKeys: pair(index + 2) });
  acknowledge({ op: 'issuePhone', holderId: card.holderId, signature: phone.signature.serialHex, userAuthentication: phone.userAuthentication.serialHex, linkedSignature: card.signature.serialHex });
  await authority.revoke(card.signature.serialNumber, 'keyCompromise');
  acknowledge({ op: 'revoke', serial: serialToHex(card.signature.serialNumber), reason: 'keyCompromise' });
  await authority.hold(card.userAuthentication.serialNumber);
  acknowledge({ op: 'hold', serial: serialToHex(card.userAuthentication.serialNumber) });
}
