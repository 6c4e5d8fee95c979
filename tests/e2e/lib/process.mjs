// Long-running child processes of the e2e tests (deai-worker, content stores): each in its own
// process group, its output kept for assertions and logs, all killed if the test process exits.
import { spawn } from 'node:child_process';

const children = new Set();
process.on('exit', () => { for (const c of children) { try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } } });

/** Starts a long-running binary in its own process group, keeping its output. */
export function start(binary, args, name) {
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
  child.name = name;
  child.output = '';
  const keep = (chunk) => { child.output += chunk.toString(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.on('exit', resolve));
  children.add(child);
  return child;
}

export async function stop(child, signal = 'SIGINT') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, signal); } catch { /* gone */ }
  const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 35_000);
  await child.exited;
  clearTimeout(timer);
  children.delete(child);
}

/** Waits until `child`'s output matches `pattern` (checked every 100 ms). */
export async function waitForOutput(child, pattern, timeoutMs = 120_000, from = 0) {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(child.output.slice(from))) {
    if (child.exitCode !== null) throw new Error(`${child.name} exited (${child.exitCode}):\n${child.output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${child.name}: no ${pattern} within ${timeoutMs} ms:\n${child.output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
