// A terminal for the live view without a real TTY: a stdout that says it is one (so ink draws as
// on a terminal, with cursor moves) and records what it gets, and a stdin that types keys.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

export class FakeTTYOut extends Writable {
  isTTY: boolean;
  columns = 100;
  rows = 40;
  output = '';

  constructor(isTTY = true) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.output += chunk.toString();
    this.emit('written');
    callback();
  }

  /** Resolves when the output so far matches; rejects after the deadline with what it holds. */
  waitFor(pattern: RegExp, deadlineMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(this.output)) return;
        clearTimeout(timer);
        this.off('written', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('written', check);
        reject(new Error(`no ${pattern} within ${deadlineMs} ms; output:\n${this.output.slice(-2000)}`));
      }, deadlineMs);
      this.on('written', check);
      check();
    });
  }
}

export class FakeTTYIn extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  rawMode = false;
  setRawMode(on: boolean) {
    this.rawMode = on;
    return this;
  }
  setEncoding() {
    return this;
  }
  resume() {
    return this;
  }
  pause() {
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
  read = () => {
    const data = this.data;
    this.data = null;
    return data;
  };
  type(keys: string) {
    this.data = keys;
    this.emit('readable');
    this.emit('data', keys);
  }
}
