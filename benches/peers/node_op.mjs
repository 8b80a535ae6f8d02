// One benchmark operation with Node `jose`, one process per call (like a CLI).
// Usage: node node_op.mjs verify KEY.jwk TOKENFILE
//        node node_op.mjs verify-lines KEY.jwk FILE N   (first N lines, one process)
//        node node_op.mjs decrypt KEY.jwk TOKENFILE      (plaintext to stdout)
//        node node_op.mjs keygen rsa|p256                (private JWK to stdout)
// Any failure throws, so the process exits non-zero and hyperfine stops.
import * as jose from 'jose';
import fs from 'node:fs';

const [op, a, b, c] = process.argv.slice(2);
const token = (path) => fs.readFileSync(path, 'utf8').trim();
// importJWK needs the algorithm when the JWK names none: take the token's.
const readKey = async (path, tok) =>
  jose.importJWK(JSON.parse(fs.readFileSync(path, 'utf8')), jose.decodeProtectedHeader(tok).alg);
// jwtVerify checks the signature and, like the other tools, exp/nbf.
const opts = { algorithms: ['RS256', 'ES256'] };

if (op === 'verify') {
  const t = token(b);
  await jose.jwtVerify(t, await readKey(a, t), opts);
} else if (op === 'verify-lines') {
  const lines = fs.readFileSync(b, 'utf8').split('\n', Number(c));
  const key = await readKey(a, lines[0]);
  for (const line of lines) await jose.jwtVerify(line, key, opts);
} else if (op === 'decrypt') {
  const t = token(b);
  const { plaintext } = await jose.compactDecrypt(t, await readKey(a, t));
  fs.writeSync(1, plaintext);
} else if (op === 'keygen') {
  const alg = { rsa: 'RS256', p256: 'ES256' }[a];
  const { privateKey } = await jose.generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  console.log(JSON.stringify(await jose.exportJWK(privateKey)));
} else {
  throw new Error(`unknown op ${op}`);
}
