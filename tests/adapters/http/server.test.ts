import { request } from 'node:http';
import { createHttpServer, readJson, sendJson } from '../../../adapters/http/server';
import { recordingLogger } from '../../support/logger';

function call(port: number, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('shared HTTP server', () => {
  const logger = recordingLogger();
  const server = createHttpServer(
    [
      { method: 'GET', path: '/slow', handle: async (_req, res) => { await new Promise((r) => setTimeout(r, 300)); sendJson(res, 200, { done: true }); } },
      { method: 'POST', path: '/echo', handle: async (req, res) => sendJson(res, 200, await readJson(req, 100)) },
      { method: 'GET', path: '/boom', handle: () => { throw new Error('secret internals'); } },
      { method: 'GET', path: '/static/*', handle: (req, res) => sendJson(res, 200, { path: req.url }) },
    ],
    logger,
  );
  let port: number;
  beforeAll(async () => {
    port = (await server.listen(0, '127.0.0.1')).port;
  });

  it('routes exact paths and prefixes, and answers 404 and 405', async () => {
    expect(await call(port, 'GET', '/static/a.js')).toEqual({ status: 200, body: '{"path":"/static/a.js"}' });
    expect((await call(port, 'GET', '/nothing')).status).toBe(404);
    expect((await call(port, 'GET', '/echo')).status).toBe(405);
  });

  it('refuses bodies that are not JSON or too large', async () => {
    expect(await call(port, 'POST', '/echo', '{"a":1}')).toEqual({ status: 200, body: '{"a":1}' });
    expect(await call(port, 'POST', '/echo', '{nope')).toEqual({ status: 400, body: '{"error":"the request body is not valid JSON"}' });
    expect((await call(port, 'POST', '/echo', JSON.stringify({ a: 'x'.repeat(200) }))).status).toBe(413);
  });

  it('hides an unexpected error behind a reference that is logged', async () => {
    const answer = await call(port, 'GET', '/boom');
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('secret internals');
    const reference = /reference (\w+)/.exec(answer.body)?.[1];
    expect(logger.lines.find((line) => line.level === 'error')?.obj).toMatchObject({ reference, path: '/boom' });
  });

  it('finishes requests in flight when closing, then refuses new connections', async () => {
    const inFlight = call(port, 'GET', '/slow');
    await new Promise((r) => setTimeout(r, 50));
    await server.close(2000);
    await expect(inFlight).resolves.toEqual({ status: 200, body: '{"done":true}' });
    await expect(call(port, 'GET', '/static/x')).rejects.toThrow(/ECONNREFUSED/);
  });
});
