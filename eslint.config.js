// ESLint flat config: typescript-eslint's type-aware rules over every layer (each file is checked with the types of
// its own layer project, found by the project service from the nearest tsconfig.json), React's hook rules in the
// renderer, and the import boundaries the compiler cannot see (a bare `electron` import resolves anywhere, since
// electron's declarations pull in Node's types). `npm run lint` runs it with --max-warnings 0.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns that keep a layer to the layers it may use. */
function onlyImports(layer, forbidden) {
  return {
    files: [`${layer}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: forbidden.map(({ group, message }) => ({ group, message })),
      }],
    },
  };
}
const noElectron = { group: ['electron', 'electron/*'], message: 'Only src/main/desktop and src/preload may import electron; other layers reach it through a host interface.' };
const noMain = { group: ['**/main/**'], message: 'This layer may not import the main process (backend, hosts, desktop); it talks to the backend over RPC.' };
const noPreload = { group: ['**/preload/**'], message: 'The preload is its own bundle; restate the shape instead of importing it.' };
const noRenderer = { group: ['**/renderer/**'], message: 'The main process may not import the renderer.' };
const noHosts = { group: ['**/host/**', '**/desktop/**'], message: 'The backend imports only src/shared and Node: hosts hand it what it needs through BackendHost.' };

export default tseslint.config(
  { ignores: ['dist/', 'release/', '.tsbuild/', 'test-artifacts/', '.cache/', 'node_modules/', 'test/layer-fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Promises: none dropped silently (`void` marks a deliberate fire-and-forget), none passed where a plain
      // callback is expected.
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      // verbatimModuleSyntax already makes type-only imports explicit; this keeps one spelling of them.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all',
        caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // An AbortSignal's `reason` (typed `any`) is passed on as it is: it is the Error the aborting side chose.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Off: `async` on a method that implements a Promise-returning interface (SecretStore, BackendHost, fakes in
      // tests) is deliberate: a throw inside becomes a rejection, as callers expect, even without an `await`.
      '@typescript-eslint/require-await': 'off',
      // A variable that closures read before its one assignment (set once a promise resolves) must stay `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  // Plain JavaScript (build scripts, this file) is not in a TypeScript project: lint it without type information.
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  // Tests read raw homeserver JSON (`await res.json()`, typed `any`) and assert on its fields: checking those shapes
  // is what the assertions themselves do, so the no-unsafe-* family would only ask for casts there. Product code
  // keeps them.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  onlyImports('src/shared', [noElectron, noMain, noPreload, noRenderer]),
  onlyImports('src/main/backend', [noElectron, noHosts, noPreload, noRenderer]),
  onlyImports('src/main/host', [noElectron, noPreload, noRenderer]),
  onlyImports('src/main/desktop', [noPreload, noRenderer]),
  onlyImports('src/preload', [noMain, noRenderer]),
  onlyImports('src/renderer', [noElectron, noMain, noPreload]),
);
