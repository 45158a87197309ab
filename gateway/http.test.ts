/** The gateway's HTTP server: header and body timeouts fire within a second; keep-alive requests while draining get connection: close. */
import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import { httpGateway, type HttpGateway } from './http.js';
import { readGatewaySettings } from './settings.js';

const logger = createLogger({ LOG_LEVEL: 'silent' });
let gateway: HttpGateway | null = null;
afterEach(async () => {
  gateway?.server.closeAllConnections();
  gateway?.server.close();
  gateway = null;
});

async function start(env: Record<string, string>): Promise<{ host: string; port: number }> {
  const settings = readGatewaySettings(env, { subgraphsOverHttp: false });
  // like the runtime, answers once the body has arrived
  gateway = httpGateway((req, res) => req.resume().on('end', () => res.end('ok')), settings, logger);
  const url = new URL(await gateway.listen(0, '127.0.0.1'));
  return { host: url.hostname, port: Number(url.port) };
}

/** Opens a socket, writes `sent`, and resolves with what the server wrote and when it closed (ms after writing). */
function hold(address: { host: string; port: number }, sent: string): Promise<{ answer: string; afterMs: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, address.host, () => socket.write(sent));
    const started = Date.now();
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, afterMs: Date.now() - started }));
  });
}

it('ends a request whose headers never finish at HTTP_HEADERS_TIMEOUT_MS, within a second', async () => {
  const address = await start({ HTTP_HEADERS_TIMEOUT_MS: '1500', HTTP_REQUEST_TIMEOUT_MS: '4000' });
  const { answer, afterMs } = await hold(address, 'POST / HTTP/1.1\r\nhost: x\r\n');
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  expect(afterMs).toBeGreaterThanOrEqual(1_400);
  expect(afterMs).toBeLessThan(2_500);
});

it('ends a request whose body never finishes at HTTP_REQUEST_TIMEOUT_MS, within a second', async () => {
  const address = await start({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2500' });
  const { answer, afterMs } = await hold(address, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{');
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  expect(afterMs).toBeGreaterThanOrEqual(2_400);
  expect(afterMs).toBeLessThan(3_500);
});

it('answers a request sent on an open keep-alive connection while draining, with connection: close', async () => {
  const address = await start({});
  const socket: Socket = connect(address.port, address.host);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const until = async (count: number) => {
    while ((received.match(/HTTP\/1\.1 200/g) ?? []).length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  socket.write('GET /a HTTP/1.1\r\nhost: x\r\n\r\n');
  await until(1);
  const drained = gateway!.drain();
  // the connection was open (and idle) before the stop began: it still gets an answer
  socket.write('GET /b HTTP/1.1\r\nhost: x\r\n\r\n');
  await until(2);
  await closed;
  await drained;
  const second = received.slice(received.lastIndexOf('HTTP/1.1 200'));
  expect(second.toLowerCase()).toContain('connection: close');
  expect(second).toMatch(/\r\n\r\nok$/);
  gateway = null;
});
