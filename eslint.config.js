// ESLint (flat config): the recommended JavaScript and typescript-eslint rules over the whole
// tree, with the globals of each layer's platform. Run by `npm run lint` and by `npm test`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import i18next from 'eslint-plugin-i18next';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output, reports, and fixture trees that break rules on purpose.
  { ignores: ['dist/', 'test-results/', 'node_modules/', '.lab-run/', 'test/fixtures/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a value left out on purpose (`const { pem: _pem, ...shown } = seen`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `let [a, b]` where only one is reassigned, and a variable a closure reads before its one assignment, stay `let`.
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
      // Input checks refuse control characters and terminal escapes on purpose: matching them is the point.
      'no-control-regex': 'off',
      // Hostile-input tests carry odd white space (bidi marks, zero-width joiners) in their text on purpose.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipRegExps: true }],
    },
  },
  { files: ['renderer/src/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    // Every word the UI shows goes through i18next (renderer/src/i18n.ts): text in JSX and the
    // attributes people read or hear (labels, titles, placeholders) may not be literal strings.
    files: ['renderer/src/**/*.tsx'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'jsx-only',
          'jsx-attributes': { include: ['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'alt', 'label'] },
          'should-validate-template': true,
          // Symbols, separators and digits (·, …, ×, ▸, ☎) are not words; RegExp objects keep their `u` flag.
          words: { exclude: [/^[\s\p{P}\p{S}\d]*$/u, /^[A-Z_-]+$/] },
        },
      ],
    },
  },
  {
    // CommonJS configuration files (dependency-cruiser reads .cjs): require() is their import.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
