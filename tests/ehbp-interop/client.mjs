// The official ehbp npm client (0.1.7) calling every route of an AudioSdk.Testing server with EHBP on.
// usage: node client.mjs <base-url> <api-key> <wav-file>; prints one JSON object with each route's outcome.
import { readFileSync } from 'node:fs';
import { createTransport } from 'ehbp';

const [base, key, wavPath] = process.argv.slice(2);
const wav = readFileSync(wavPath);
const transport = await createTransport(base);
const auth = { Authorization: `Bearer ${key}` };
const results = { serverKey: await transport.getServerPublicKeyHex() };

async function run(name, fn) {
  try {
    results[name] = await fn();
  } catch (error) {
    results[name] = { error: `${error.name}: ${error.message}` };
  }
}

function form(fields) {
  const data = new FormData();
  data.append('file', new Blob([wav], { type: 'audio/wav' }), 'tone.wav');
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

const json = (body) => ({ body: JSON.stringify(body), headers: { ...auth, 'Content-Type': 'application/json' } });

await run('speech', async () => {
  const init = json({ model: 'tts-1', input: 'hello from node', voice: 'alloy', response_format: 'wav' });
  const r = await transport.post(`${base}/v1/audio/speech`, init.body, { headers: init.headers });
  const bytes = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, bytes: bytes.length, head: new TextDecoder().decode(bytes.slice(0, 4)) };
});
await run('speechSse', async () => {
  const init = json({ model: 'gpt-4o-mini-tts', input: 'hello from node', voice: 'alloy', response_format: 'pcm', stream_format: 'sse' });
  const r = await transport.post(`${base}/v1/audio/speech`, init.body, { headers: init.headers });
  const text = await r.text();
  return { status: r.status, done: text.includes('speech.audio.done'), deltas: (text.match(/speech\.audio\.delta/g) || []).length };
});
await run('transcription', async () => {
  const r = await transport.post(`${base}/v1/audio/transcriptions`, form({ model: 'whisper-1' }), { headers: auth });
  return { status: r.status, text: (await r.json()).text };
});
await run('transcriptionStream', async () => {
  const r = await transport.post(`${base}/v1/audio/transcriptions`, form({ model: 'gpt-4o-transcribe', stream: 'true' }), { headers: auth });
  const text = await r.text();
  return { status: r.status, done: text.includes('transcript.text.done') };
});
await run('translation', async () => {
  const r = await transport.post(`${base}/v1/audio/translations`, form({ model: 'whisper-1' }), { headers: auth });
  return { status: r.status, text: (await r.json()).text };
});
await run('clientSecret', async () => {
  const init = json({ session: { type: 'transcription' } });
  const r = await transport.post(`${base}/v1/realtime/client_secrets`, init.body, { headers: init.headers });
  const body = await r.json();
  return { status: r.status, hasValue: typeof (body.value ?? body.client_secret?.value) === 'string' };
});
await run('error', async () => {
  const init = json({ model: 'tts-1', voice: 'alloy' });
  const r = await transport.post(`${base}/v1/audio/speech`, init.body, { headers: init.headers });
  return { status: r.status, body: await r.text() };
});
await run('models', async () => {
  const r = await transport.get(`${base}/v1/models`, { headers: auth });
  return { status: r.status, count: (await r.json()).data.length };
});
await run('usage', async () => {
  const r = await transport.get(`${base}/v1/usage`, { headers: auth });
  return { status: r.status };
});

console.log(JSON.stringify(results));
