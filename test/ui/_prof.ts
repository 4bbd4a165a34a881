import { Writable, PassThrough } from 'node:stream';
import { runEvents, second } from './sampleEvents.ts';
delete process.env.CI;
const { startLiveView } = await import('../../src/ui/liveView.ts');
class Null extends Writable { isTTY = true; columns = 120; rows = 40; n = 0; bytes = 0; override _write(c: any, _e: any, cb: () => void) { this.n++; this.bytes += c.length; cb(); } }
const out = new Null();
const view = await startLiveView({ command: 'run', flags: new Set(), onStop: () => {}, io: { stdout: out as any, stderr: out as any, stdin: new PassThrough() as any, env: {} }, signals: null });
for (const e of runEvents()) view.onEvent(e);
await new Promise(r => setTimeout(r, 600));
for (let round = 0; round < 3; round++) {
  const frames = 40;
  const cpu0 = process.cpuUsage(); const n0 = out.n; const b0 = out.bytes;
  for (let i = 0; i < frames; i++) { view.onEvent(second(10 + i, 1000 + i * 7, { status_503: i % 3 })); await new Promise(r => setTimeout(r, 260)); }
  const cpu = process.cpuUsage(cpu0);
  process.stderr.write(`cpu per redraw+tick ${((cpu.user + cpu.system) / 1000 / frames).toFixed(2)} ms; writes ${out.n - n0}; bytes/frame ${((out.bytes - b0) / frames).toFixed(0)}\n`);
}
await view.stop();
for (let round = 0; round < 2; round++) {
const cpu0 = process.cpuUsage();
for (let i = 0; i < 40; i++) await new Promise(r => setTimeout(r, 260));
const cpu = process.cpuUsage(cpu0);
process.stderr.write(`idle per tick ${((cpu.user + cpu.system) / 1000 / 40).toFixed(2)} ms\n`);
}
