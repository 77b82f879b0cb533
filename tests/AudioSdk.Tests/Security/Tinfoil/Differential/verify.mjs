// Differential oracle: Tinfoil's published verifier (@tinfoilsh/verifier 1.1.0) on attestation bundles.
// Input on stdin, one JSON object per line: {"id": "...", "time_unix": 1780272000, "config_repo": "owner/name", "bundle": {...}}.
// Output on stdout, one JSON object per line: {"id": "...", "accepted": true|false, "step": "...", "error": "..."}.
// The verifier reads the wall clock for the AMD chain's validity and the Sigstore root's key windows: the clock is
// pinned to each input's time_unix. Nothing is fetched: the bundle carries the VCEK, and the Sigstore root is the
// package's embedded copy; any fetch is refused so that a path that would reach the network shows as an error.
import readline from 'node:readline';

const RealDate = Date;
let pinnedMs = RealDate.now();
class PinnedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) { super(pinnedMs); } else { super(...args); }
  }
  static now() { return pinnedMs; }
}
globalThis.Date = PinnedDate;
globalThis.fetch = async (url) => { throw new Error(`network access refused in the differential run: ${url}`); };

const { Verifier } = await import('@tinfoilsh/verifier');

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line.trim().length === 0) { continue; }
  let id = null;
  try {
    const input = JSON.parse(line);
    id = input.id;
    pinnedMs = input.time_unix * 1000;
    const verifier = new Verifier({ configRepo: input.config_repo });
    try {
      await verifier.verifyBundle(input.bundle);
      process.stdout.write(JSON.stringify({ id, accepted: true }) + '\n');
    } catch (e) {
      const steps = verifier.getVerificationDocument()?.steps ?? {};
      const failed = Object.entries(steps).find(([, s]) => s.status === 'failed');
      process.stdout.write(JSON.stringify({
        id, accepted: false, step: failed ? failed[0] : 'none', error: String(e?.message ?? e).slice(0, 300),
      }) + '\n');
    }
  } catch (e) {
    process.stdout.write(JSON.stringify({ id, accepted: false, step: 'input', error: String(e?.message ?? e).slice(0, 300) }) + '\n');
  }
}
