// deai-node's command line: it names the project, and bad input gives one clear line and a
// non-zero exit instead of a panic.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_BINARY } from './lib/node.mjs';

function run(args) {
  const result = spawnSync(NODE_BINARY, args, {
    encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertOneLineError(result, pattern) {
  assert.notEqual(result.code, 0, 'non-zero exit');
  const lines = result.stderr.trim().split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => /error/i.test(l));
  assert.equal(errors.length, 1, `one error line, got:\n${result.stderr}`);
  assert.match(errors[0], pattern);
  assert.doesNotMatch(result.stderr, /panicked|stack backtrace|RUST_BACKTRACE/);
}

export function cliTests() {
describe('deai-node command line', () => {
  it('names DeAI Chain in --version and --help', () => {
    const version = run(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^deai-node \d+\.\d+\.\d+/);
    const help = run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /DeAI Chain collator node/);
  });

  it('rejects a --chain path that does not exist', () => {
    const result = run(['build-spec', '--chain', '/nonexistent/deai-spec.json']);
    assertOneLineError(result, /cannot load the chain spec `\/nonexistent\/deai-spec.json`/);
  });

  it('rejects a corrupt chain spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deai-cli-'));
    try {
      const spec = join(dir, 'corrupt.json');
      writeFileSync(spec, '{"name": "DeAI", "id": "x", "genesis": {"raw": ');
      assertOneLineError(run(['build-spec', '--chain', spec]), /cannot load the chain spec/);
      assertOneLineError(run(['--dev', '--tmp', '--chain', spec]), /cannot load the chain spec/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the dev and local specs without any file', () => {
    for (const chain of ['dev', 'local']) {
      const result = run(['build-spec', '--chain', chain, '--raw']);
      assert.equal(result.code, 0, result.stderr);
      const spec = JSON.parse(result.stdout);
      assert.equal(spec.properties.tokenSymbol, 'DEAI');
      assert.equal(spec.para_id ?? spec.paraId, 2000);
      assert.ok(spec.genesis.raw.top['0x3a636f6465'], 'genesis code');
    }
  });
});
}
