import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** A bot or job process started as an operator would start it, with its output collected. */
export interface Started {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the first stdout JSON log line whose msg matches, or rejects on exit / timeout. */
  logLine(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Runs `tsx <script> ...args` from the project root with exactly the given environment (plus PATH/HOME). */
export function startScript(script: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(TSX, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    logLine(msg, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        const check = () => {
          for (const line of out.split('\n')) {
            if (!line.startsWith('{')) continue;
            const parsed = JSON.parse(line) as Record<string, unknown>;
            if (parsed.msg === msg) {
              clearTimeout(timer);
              child.stdout!.off('data', check);
              resolve(parsed);
              return;
            }
          }
        };
        child.stdout!.on('data', check);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the process exited (${code}) before logging "${msg}"; stderr: ${err}`));
        });
        check();
      });
    },
  };
}

/** Runs a script to its end. */
export async function runScript(script: string, args: string[], env: Record<string, string>) {
  const started = startScript(script, args, env);
  const code = await started.exited;
  return { code, stdout: started.stdout(), stderr: started.stderr() };
}
