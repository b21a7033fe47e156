/**
 * The layer boundaries really are enforced. The fixture projects in test/layer-fixtures extend the real layer configs
 * (and must restate the same references, checked here), so `tsc -b` on them applies the real rules: a renderer file
 * importing the backend, Node in the renderer or in src/shared, the DOM in src/shared or the backend, and the backend
 * importing a host must all fail, while the control fixtures pass. The compiler cannot refuse a bare `electron`
 * import (electron's declarations bring Node's types along), so the ESLint config's import rules are checked on
 * files placed, by path, in each layer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = path.join(root, 'test', 'layer-fixtures');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs `tsc -b` on fixture projects; resolves with the exit code and the error lines (paths made relative). */
async function build(...names: string[]): Promise<{ code: number; errors: string[] }> {
  const args = [tsc, '-b', '--pretty', 'false', ...names.map((n) => path.join(fixtures, n))];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: root });
    return { code: 0, errors: [] };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    const lines = (err.stdout ?? '').split('\n').filter((l) => l.includes('error TS'));
    return { code: err.code ?? -1, errors: lines.map((l) => l.replaceAll(root, '')) };
  }
}

/** The project paths a tsconfig references, absolute. */
function referencesOf(configPath: string): string[] {
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  assert.equal(read.error, undefined, `${configPath} parses`);
  const refs = (read.config as { references?: { path: string }[] }).references ?? [];
  return refs.map((r) => path.resolve(path.dirname(configPath), r.path)).sort();
}

/** The error lines for one fixture file. */
function errorsIn(errors: string[], file: string): string[] {
  return errors.filter((l) => l.startsWith(`test/layer-fixtures/${file}(`));
}

describe('layer projects (tsc -b)', () => {
  const layerOf: Record<string, string> = {
    'renderer-violations': 'src/renderer',
    'renderer-control': 'src/renderer',
    'shared-violations': 'src/shared',
    'backend-violations': 'src/main/backend',
    'backend-control': 'src/main/backend',
  };

  it('fixtures use the real layer configs and the same references', () => {
    for (const [fixture, layer] of Object.entries(layerOf)) {
      const config = path.join(fixtures, fixture, 'tsconfig.json');
      const read = ts.readConfigFile(config, (p) => ts.sys.readFile(p));
      assert.equal((read.config as { extends?: string }).extends, path.relative(path.dirname(config), path.join(root, layer, 'tsconfig.json')));
      assert.deepEqual(referencesOf(config), referencesOf(path.join(root, layer, 'tsconfig.json')), `${fixture} references`);
    }
  });

  it('control fixtures that stay inside their layer pass', async () => {
    const r = await build('renderer-control', 'backend-control');
    assert.deepEqual(r.errors, []);
    assert.equal(r.code, 0);
  });

  it('fails on imports across layers and on the wrong global types', async () => {
    const r = await build('renderer-violations', 'shared-violations', 'backend-violations');
    assert.notEqual(r.code, 0, 'the check fails');

    const rendererImport = errorsIn(r.errors, 'renderer-violations/imports-backend.ts');
    assert.ok(rendererImport.some((l) => l.includes('error TS6307') && l.includes("File 'src/main/backend/paths.ts'")
      && l.includes('is not listed within the file list of project')), `renderer importing the backend: ${rendererImport.join('\n')}`);

    const backendImport = errorsIn(r.errors, 'backend-violations/imports-host.ts');
    assert.ok(backendImport.some((l) => l.includes('error TS6307') && l.includes("File 'src/main/host/static-files.ts'")),
      `backend importing a host: ${backendImport.join('\n')}`);

    assert.match(errorsIn(r.errors, 'renderer-violations/uses-node.ts').join('\n'), /error TS2591: Cannot find name 'process'/);
    assert.match(errorsIn(r.errors, 'shared-violations/uses-node.ts').join('\n'), /error TS2307: Cannot find module 'node:fs'/);
    assert.match(errorsIn(r.errors, 'shared-violations/uses-dom.ts').join('\n'), /error TS2584: Cannot find name 'document'/);
    assert.match(errorsIn(r.errors, 'backend-violations/uses-dom.ts').join('\n'), /error TS2584: Cannot find name 'document'/);
  });
});

describe('layer import rules (ESLint)', () => {
  // Only the import rule: the type-aware rules need files that exist in a project, and these are lint-only texts.
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return result.messages.map((m) => m.message);
  };

  it('refuses electron in the backend, the hosts, src/shared and the renderer', async () => {
    for (const file of ['src/main/backend/fixture.ts', 'src/main/host/fixture.ts', 'src/shared/fixture.ts', 'src/renderer/fixture.tsx']) {
      const messages = await lint(file, "import { app } from 'electron';\nexport const a = app;\n");
      assert.equal(messages.length, 1, file);
      assert.match(messages[0], /Only src\/main\/desktop and src\/preload may import electron/, file);
    }
  });

  it('refuses the renderer importing the main process, and the backend importing a host', async () => {
    const fromRenderer = await lint('src/renderer/ui/fixture.ts', "import { resolveDataPaths } from '../../main/backend/paths.ts';\nexport const p = resolveDataPaths;\n");
    assert.match(fromRenderer.join('\n'), /may not import the main process/);
    const fromBackend = await lint('src/main/backend/sync/fixture.ts', "import { BackendWorker } from '../../host/backend-worker.ts';\nexport const w = BackendWorker;\n");
    assert.match(fromBackend.join('\n'), /The backend imports only src\/shared and Node/);
  });

  it('allows what each layer may use', async () => {
    assert.deepEqual(await lint('src/main/desktop/fixture.ts', "import { app } from 'electron';\nexport const a = app;\n"), []);
    assert.deepEqual(await lint('src/preload/fixture.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n"), []);
    assert.deepEqual(await lint('src/main/backend/sync/fixture.ts', "import { readFileSync } from 'node:fs';\nimport type { Envelope } from '../../../shared/rpc/envelope.ts';\nexport type E = Envelope;\nexport const r = readFileSync;\n"), []);
    assert.deepEqual(await lint('src/renderer/ui/fixture.ts', "import type { Envelope } from '../../shared/rpc/envelope.ts';\nexport type E = Envelope;\n"), []);
  });
});
