// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'coverage', '.tmp', '**/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Task results and arguments are user data of any shape.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-invalid-void-type': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is a library: it must not know about the app, the hosts or the UI.
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(app|main|renderer)(/|$)',
              message: 'engine/ must not import from app/, main/ or renderer/.',
            },
            { regex: '^(electron|react|react-dom)(/|$)', message: 'engine/ is framework-free.' },
          ],
        },
      ],
    },
  },
  {
    // The renderer runs in a page: browser globals only, the rules of hooks, and the host reached
    // through app/contract's types alone (never the engine, the hosts or Node).
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(engine|main)(/|$)',
              message: 'renderer/ talks to the host through app/contract only.',
            },
            {
              regex: '^(\\.\\./)+app/(?!contract/)',
              message: 'renderer/ may use app/contract only.',
            },
            {
              regex: '^(\\.\\./)+app/contract/',
              allowTypeImports: true,
              message: 'renderer/ imports types from app/contract, never its code (zod stays in the host).',
            },
            {
              regex: '^(node:|electron$|ws$|better-sqlite3$)',
              message: 'renderer/ runs in a page, without Node.',
            },
          ],
        },
      ],
    },
  },
  {
    // Playwright specs: Node code whose page.evaluate callbacks run in the browser.
    files: ['e2e/**/*.ts', 'playwright.config.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // Component tests of the renderer run in happy-dom: browser globals too.
    files: ['test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.tsx', 'engine/**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
