/**
 * The contract's compile-time guarantee, checked by the compiler itself: a command declared without its response
 * type fails on the line that declares it. Type-checks a small fixture in a temporary folder with the TypeScript
 * API (the fixture must not live in the project, whose own type-check it would break; `.mts`, as the temporary
 * folder has no package.json saying "module").
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';

const COMMANDS_DIR = path.resolve(import.meta.dirname, '../../src/shared/rpc/commands');
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `
import { command, type CommandArea } from DEFINE;
import { empty } from FIELDS;
export const area = {
  ok: command(empty).returns<boolean>(),
} satisfies CommandArea;
`;

const BAD = `
import { command, type CommandArea } from DEFINE;
import { empty } from FIELDS;
export const area = {
  ok: command(empty).returns<boolean>(),
  noType: command(empty).returns(),
  bare: empty,
  noReturns: command(empty),
} satisfies CommandArea;
`;

/** Compiles the fixtures in one program (one compiler start) and returns each one's errors as `line: message`. */
function errorsOf(sources: Record<string, string>): Record<string, string[]> {
  const files = Object.fromEntries(Object.entries(sources).map(([name, source]) => {
    const file = path.join(dir, `${name}.mts`);
    writeFileSync(file, source
      .replaceAll('DEFINE', JSON.stringify(path.join(COMMANDS_DIR, 'define.ts')))
      .replaceAll('FIELDS', JSON.stringify(path.join(COMMANDS_DIR, 'fields.ts'))));
    return [file, name];
  }));
  const program = ts.createProgram(Object.keys(files), {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true, verbatimModuleSyntax: true,
  });
  const out: Record<string, string[]> = Object.fromEntries(Object.keys(sources).map((n) => [n, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const name = d.file ? files[d.file.fileName] : undefined;
    if (name === undefined || d.start === undefined) throw new Error(`unexpected error outside the fixtures: ${text}`);
    out[name].push(`${d.file!.getLineAndCharacterOfPosition(d.start).line + 1}: ${text}`);
  }
  return out;
}

describe('contract declarations (type-checked)', () => {
  const errors = errorsOf({ good: GOOD, bad: BAD });

  it('accepts commands that give their response type', () => {
    assert.deepEqual(errors.good, []);
  });

  it('rejects, on its own line, a command whose returns() has no type, a bare schema, or a missing returns()', () => {
    assert.deepEqual(errors.bad.map((e) => e.split(':')[0]), ['6', '7', '8'], errors.bad.join('\n'));
    assert.match(errors.bad[0], /MissingResponseType/);
  });
});
