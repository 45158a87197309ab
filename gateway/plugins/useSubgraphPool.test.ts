/** The gateway's pooled fetch to subgraph services: answers as sent, connections kept open, aborts honoured. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledFetch } from './useSubgraphPool.js';

let server: Server;
let origin: string;
let connections = 0;
const received: { method: string; url: string; scope: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', scope: req.headers['x-numbergraph-scope'] as string | undefined, body });
      if (req.url === '/slow') return; // never answers: the caller's signal must end it
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ data: { echo: body.length } }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('pooledFetch', () => {
  it('sends the method, path, headers and body, and answers the status, headers and JSON the service sent', async () => {
    const pooled = pooledFetch(4);
    const body = JSON.stringify({ query: '{ __typename }' });
    const response = await pooled.fetch(`${origin}/graphql?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-numbergraph-scope': 'signed' }, body });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ data: { echo: body.length } });
    expect(received.at(-1)).toEqual({ method: 'POST', url: '/graphql?x=1', scope: 'signed', body });
    const missing = await pooled.fetch(`${origin}/missing`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    await pooled.close();
  });

  it('keeps its connections open for fetches one after another (no handshake per fetch)', async () => {
    const pooled = pooledFetch(4);
    const before = connections;
    for (let i = 0; i < 20; i++) await (await pooled.fetch(`${origin}/graphql`, { method: 'POST', body: '{}' })).json();
    // one, or two when a fetch is sent as the previous answer is still being read
    expect(connections - before).toBeLessThanOrEqual(2);
    await pooled.close();
  });

  it('opens no more connections to one service than its bound, however many fetches are in flight', async () => {
    const pooled = pooledFetch(3);
    const before = connections;
    await Promise.all(Array.from({ length: 30 }, async () => (await pooled.fetch(`${origin}/graphql`, { method: 'POST', body: '{}' })).json()));
    expect(connections - before).toBeLessThanOrEqual(3);
    await pooled.close();
  });

  it('ends a fetch the service does not answer within the timeout (the subgraph timeout), and serves the next', async () => {
    const pooled = pooledFetch(2, 100);
    await expect(pooled.fetch(`${origin}/slow`, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect((await pooled.fetch(`${origin}/graphql`, { method: 'POST', body: '{}' })).status).toBe(200);
    await pooled.close();
  });

  it("ends a fetch when the caller's signal aborts (a client gone)", async () => {
    const pooled = pooledFetch(2);
    const controller = new AbortController();
    const fetching = pooled.fetch(`${origin}/slow`, { method: 'POST', body: '{}', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('subgraph timeout')), 50);
    await expect(fetching).rejects.toThrow();
    await pooled.close();
  });
});
