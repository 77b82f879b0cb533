// An EHBP origin written on @hpke/core and node:crypto (not on AudioSdk's code): it opens sealed requests and seals
// OpenAI-style audio answers in several frames. Prints {"port","publicKey"} on its first line, then serves until killed.
// usage: node origin.mjs
import { createServer } from 'node:http';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const keyPair = await suite.kem.generateKeyPair();
const publicKey = new Uint8Array(await suite.kem.serializePublicKey(keyPair.publicKey));
const keyConfig = Buffer.concat([Buffer.from([0x00, 0x00, 0x20]), publicKey, Buffer.from([0x00, 0x04, 0x00, 0x01, 0x00, 0x02])]);
const enc = (s) => new TextEncoder().encode(s);

function frames(body) {
  const out = [];
  for (let at = 0; at < body.length;) {
    if (at + 4 > body.length) throw new Error('cut prefix');
    const len = body.readUInt32BE(at);
    at += 4;
    if (at + len > body.length) throw new Error('cut frame');
    if (len > 0) out.push(body.subarray(at, at + len));
    at += len;
  }
  return out;
}

function responseSealer(exported, requestEnc, nonce) {
  const salt = Buffer.concat([requestEnc, nonce]);
  const key = Buffer.from(hkdfSync('sha256', exported, salt, 'key', 32));
  const base = Buffer.from(hkdfSync('sha256', exported, salt, 'nonce', 12));
  let seq = 0n;
  return (plain) => {
    const iv = Buffer.from(base);
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(seq++);
    for (let i = 0; i < 8; i++) iv[4 + i] ^= counter[i];
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(sealed.length);
    return Buffer.concat([prefix, sealed]);
  };
}

function wav(seconds) {
  const data = Buffer.alloc(Math.round(24000 * seconds) * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(24000, 24);
  h.writeUInt32LE(48000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  if (req.url === '/.well-known/hpke-keys') {
    res.writeHead(200, { 'Content-Type': 'application/ohttp-keys', 'Content-Length': keyConfig.length });
    res.end(keyConfig);
    return;
  }
  const encHex = req.headers['ehbp-encapsulated-key'];
  if (!encHex || body.length === 0) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'node-whisper', object: 'model' }] }));
    return;
  }
  const requestEnc = Buffer.from(encHex, 'hex');
  let plain;
  let ctx;
  try {
    ctx = await suite.createRecipientContext({ recipientKey: keyPair.privateKey, enc: requestEnc, info: enc('ehbp request') });
    const parts = [];
    for (const f of frames(body)) parts.push(Buffer.from(await ctx.open(f)));
    plain = Buffer.concat(parts);
  } catch {
    res.writeHead(422, { 'Content-Type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'urn:ietf:params:ehbp:error:key-config', title: 'key configuration mismatch' }));
    return;
  }
  const exported = Buffer.from(await ctx.export(enc('ehbp response'), 32));
  const nonce = randomBytes(32);
  const seal = responseSealer(exported, requestEnc, nonce);
  const text = plain.toString('latin1');
  const send = (status, type, pieces) => {
    res.writeHead(status, { 'Content-Type': type, 'Ehbp-Response-Nonce': nonce.toString('hex'), 'x-request-id': 'req_node' });
    for (const p of pieces) res.write(seal(Buffer.from(p)));
    res.end();
  };
  if (req.url.endsWith('/audio/speech')) {
    const request = JSON.parse(plain.toString('utf8'));
    if (!request.input || request.input === 'fail please') return send(400, 'application/json', [JSON.stringify({ error: { message: 'input is required', type: 'invalid_request_error', code: 'missing_input' } })]);
    const audio = wav(0.5);
    return send(200, 'audio/wav', [audio.subarray(0, 1000), audio.subarray(1000, 10000), audio.subarray(10000)]);
  }
  const riff = text.indexOf('RIFF');
  const bytes = riff < 0 ? 0 : text.lastIndexOf('\r\n--') - riff;
  if (/name="stream"\r\n\r\ntrue/.test(text)) {
    const events = [
      `data: {"type":"transcript.text.delta","delta":"node "}\n\n`,
      `data: {"type":"transcript.text.delta","delta":"heard ${bytes} bytes"}\n\ndata: {"type":"transcript.text.do`,
      `ne","text":"node heard ${bytes} bytes"}\n\n`,
    ];
    return send(200, 'text/event-stream', events);
  }
  const json = JSON.stringify({ text: `node heard ${bytes} bytes` });
  return send(200, 'application/json', [json.slice(0, 9), json.slice(9)]);
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, publicKey: Buffer.from(publicKey).toString('hex') }));
});
