/**
 * Starts the CongoDB stand-in (tests/support/congo-server.mjs) in a child process — it is ESM-only, so it stays
 * out of Jest's module system — and hands back its URI. The child exits when its stdin closes, so it never
 * outlives the test worker even if `stop()` is not reached.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface MongoStandin {
  uri: string;
  stop(): Promise<void>;
}

const SCRIPT = join(__dirname, 'congo-server.mjs');

export function startMongoStandin(timeoutMs = 15_000): Promise<MongoStandin> {
  const child = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<MongoStandin>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the MongoDB stand-in did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /MONGODB_URI=(\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ uri: match[1], stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the MongoDB stand-in exited (code ${code}) before reporting its URI: ${stderr}`));
    });
  });
}
