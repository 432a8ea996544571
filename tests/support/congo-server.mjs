// Runs the CongoDB stand-in (a wire-compatible MongoDB server, ESM-only) as a child process of the test runner.
// Protocol: prints one line `MONGODB_URI=<uri>` on stdout once it listens; exits when stdin closes (the parent
// ended or called stop()), or on SIGTERM. See tests/support/mongo-standin.ts.
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { congodb } from '@push.rocks/smartmongo';

/** A TCP port that was free a moment ago (CongoServer with port 0 does not report the port it got). */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(address.port));
    });
  });
}

/** Starts a stand-in on a free loopback port; retries when another process grabbed the port in between. */
export async function startCongoServer() {
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const server = new congodb.CongoServer({ host: '127.0.0.1', port, storage: 'memory' });
    try {
      await server.start();
      return { server, uri: `mongodb://127.0.0.1:${port}` };
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

async function main() {
  const { server, uri } = await startCongoServer();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => {});
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`MONGODB_URI=${uri}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    process.stderr.write(`congo-server: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
