// Spawns `switchpoint serve` (the binary in $SWITCHPOINT_BIN) on 127.0.0.1 and a free port, in a
// temporary directory of its own, and stops it by its pid. Loopback only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.SWITCHPOINT_BIN;

export function tempDir() {
  return mkdtempSync(join(tmpdir(), 'switchpoint-cds-node-'));
}

// options: { config (object, written to cds.json) | null, dev: bool, args: [] }
export async function startServer({ config = null, dev = false, args = [] } = {}) {
  if (!BIN) throw new Error('SWITCHPOINT_BIN is not set (run through run.sh)');
  const dir = tempDir();
  const argv = ['serve', '--host', '127.0.0.1', '--port', '0', '--audit-db', join(dir, 'audit.sqlite'), ...args];
  if (config) {
    writeFileSync(join(dir, 'cds.json'), JSON.stringify(config));
    argv.push('--cds-config', join(dir, 'cds.json'));
  }
  if (dev) argv.push('--cds-dev-unsigned');
  const proc = spawn(BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 10000);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = log.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stderr.on('data', onData);
    proc.stdout.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${log}`));
    });
  });
  proc.removeAllListeners('exit');
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    base,
    dir,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Runs the binary to completion (for start-up refusals); resolves { code, output }.
export function runToExit(args) {
  return new Promise((resolve) => {
    const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (c) => (output += c));
    proc.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
