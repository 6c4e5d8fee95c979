// The off-chain tools the e2e suite drives: where their binaries are, and `deai` run once.
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where `make tools` puts `deai` and `deai-worker`. */
export const BIN_DIR = process.env.DEAI_BIN_DIR
  || join(process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/deai-chain/target'), 'debug');
export const CLI = join(BIN_DIR, 'deai');
export const WORKER = join(BIN_DIR, 'deai-worker');

/**
 * Runs `deai --json …` with `env` added to the environment and returns its parsed output; throws
 * with the CLI's error when it fails. Never spawnSync: a test's proxies, stores and workers' log
 * pipes need the event loop meanwhile.
 */
export async function deai(args, env, timeoutMs = 300_000) {
  const child = spawn(CLI, ['--json', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  let parsed;
  try { parsed = JSON.parse(stdout.trim()); } catch { throw new Error(`deai ${args.join(' ')}: not JSON:\n${stdout}\n${stderr}`); }
  if (code !== 0) throw new Error(`deai ${args.join(' ')}: ${parsed.error}`);
  return parsed;
}
