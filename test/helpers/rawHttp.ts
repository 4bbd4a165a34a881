// Raw HTTP/1.1 over a socket, for requests no HTTP client sends (lying lengths, oversized heads)
// and for reading every answer the server writes before it closes the connection.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

/** Sends `text` on a fresh connection; `closed` resolves with all that came back once the server closes it. */
export function rawRequest(url: string, text: string, sockets: Socket[]): { socket: Socket; closed: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.write(text);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  socket.on('error', () => undefined);
  return { socket, closed };
}

/** Splits what came back into responses (each with a Content-Length, as the server writes them). */
export function parseAnswers(received: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = received;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) throw new Error(`not a whole response: ${JSON.stringify(rest.slice(0, 200))}`);
    const headers = rest.slice(0, headEnd);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0);
    answers.push({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(headers)?.[1]), headers, body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return answers;
}
