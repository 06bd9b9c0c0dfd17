// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The core knows nothing of the chat platforms or the client libraries.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/wiring/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@slack/*', 'dingtalk-stream', 'mysql2', 'mysql2/*', 'ali-oss', 'lowdb', 'lowdb/*'], message: 'The core talks to the outside only through src/ports.ts' },
        { group: ['**/adapters/**'], message: 'The core never imports an adapter' },
      ] }],
    },
  },
);
