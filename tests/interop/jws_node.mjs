// JWS interop helper for the tests: Node `jose` signs and verifies.
// Same task/result protocol as jws_jwcrypto.py.
import * as jose from 'jose';
import fs from 'node:fs';

function b64u(buf) {
  return Buffer.from(buf).toString('base64url');
}

async function loadKey(path, alg) {
  const raw = fs.readFileSync(path);
  const text = raw.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    const j = JSON.parse(text);
    return jose.importJWK(j.keys ? j.keys[0] : j, alg);
  }
  if (text.includes('BEGIN CERTIFICATE')) return jose.importX509(text, alg);
  if (text.includes('PRIVATE KEY')) return jose.importPKCS8(text, alg);
  if (text.includes('PUBLIC KEY')) return jose.importSPKI(text, alg);
  return new Uint8Array(raw);
}

async function run(t) {
  const key = await loadKey(t.key, t.alg);
  if (t.op === 'sign') {
    const payload = fs.readFileSync(t.payload);
    return new jose.CompactSign(payload).setProtectedHeader({ alg: t.alg, kid: 'interop' }).sign(key);
  }
  if (t.op === 'verify') {
    const { payload } = await jose.compactVerify(t.token, key, { algorithms: [t.alg] });
    return b64u(payload);
  }
  if (t.op === 'jwk') return JSON.stringify(await jose.exportJWK(key));
  throw new Error(`unknown op ${t.op}`);
}

const results = [];
for (const t of JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))) {
  try {
    results.push({ ok: true, out: await run(t), err: '' });
  } catch (e) {
    results.push({ ok: false, out: '', err: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(results));
