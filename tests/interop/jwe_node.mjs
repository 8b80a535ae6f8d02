// JWE interop driver for Node `jose`: same job format as jwe_jwcrypto.py.
import * as jose from 'jose';
import { readFileSync } from 'node:fs';

const jobs = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const job of jobs) {
  const r = { decrypted: null, token: null, error: null };
  const pt = Buffer.from(job.pt, 'base64url');
  let priv, pub;
  try {
    if (job.password !== undefined) {
      priv = pub = new TextEncoder().encode(job.password);
    } else if (job.key.kty === 'oct') {
      priv = pub = Buffer.from(job.key.k, 'base64url');
    } else {
      priv = await jose.importJWK(job.key, job.alg);
      const { d, p, q, dp, dq, qi, ...publicJwk } = job.key;
      pub = await jose.importJWK(publicJwk, job.alg);
    }
  } catch (e) {
    r.error = `import: ${e.code || e.name}: ${e.message}`;
    out.push(r);
    continue;
  }
  const opts = { keyManagementAlgorithms: [job.alg], contentEncryptionAlgorithms: [job.enc] };
  try {
    const tok = job.token.startsWith('{') ? JSON.parse(job.token) : job.token;
    const res = tok.recipients
      ? await jose.generalDecrypt(tok, priv, opts)
      : typeof tok === 'string'
        ? await jose.compactDecrypt(tok, priv, opts)
        : await jose.flattenedDecrypt(tok, priv, opts);
    r.decrypted = Buffer.from(res.plaintext).toString('base64url');
  } catch (e) {
    r.error = `decrypt: ${e.code || e.name}: ${e.message}`;
  }
  try {
    const hdr = { alg: job.alg, enc: job.enc };
    if (job.zip) hdr.zip = 'DEF';
    const ser = job.ser || 'compact';
    if (ser === 'compact') {
      const e = new jose.CompactEncrypt(pt).setProtectedHeader(hdr);
      if (job.alg.startsWith('PBES2')) e.setKeyManagementParameters({ p2c: 1000 });
      r.token = await e.encrypt(pub);
    } else if (ser === 'flattened') {
      const e = new jose.FlattenedEncrypt(pt).setProtectedHeader(hdr);
      if (job.alg.startsWith('PBES2')) e.setKeyManagementParameters({ p2c: 1000 });
      r.token = JSON.stringify(await e.encrypt(pub));
    } else {
      const e = new jose.GeneralEncrypt(pt).setProtectedHeader({ enc: job.enc, ...(job.zip ? { zip: 'DEF' } : {}) });
      const rcp = e.addRecipient(pub).setUnprotectedHeader({ alg: job.alg });
      if (job.alg.startsWith('PBES2')) rcp.setKeyManagementParameters({ p2c: 1000 });
      r.token = JSON.stringify(await e.encrypt());
    }
  } catch (e) {
    r.error = (r.error ? r.error + ' ' : '') + `encrypt: ${e.code || e.name}: ${e.message}`;
  }
  out.push(r);
}
process.stdout.write(JSON.stringify(out));
