// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Dependencies point inward only (ARCHITECTURE.md): the core (src/) knows nothing of the chat
// grammar, the adapters or the simulators; the domain knows nothing but itself; adapters never
// reach into commands/. The composition root (src/main.ts, src/app/) is the one place that knows
// every layer. test/architecture/boundaries.test.ts plants imports to prove each rule fires.
const CLIENT_LIBRARIES = ['@slack/*', 'dingtalk-stream', 'mysql2', 'mysql2/*', 'ali-oss', 'lowdb', 'lowdb/*', 'ws', 'node-cron'];
const OUTER_LAYERS = [
  { group: ['**/commands', '**/commands/**'], message: 'The core never imports the chat grammar (commands/): the reply model lives in src/reply.ts' },
  { group: ['**/adapters', '**/adapters/**'], message: 'The core never imports an adapter: it talks to the outside through src/ports' },
  { group: ['**/sim', '**/sim/**'], message: 'The core never imports the simulators: only the sandbox (src/app) loads them' },
];

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
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/app/**', 'src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: CLIENT_LIBRARIES, message: 'The core talks to the outside only through src/ports' },
        ...OUTER_LAYERS,
      ] }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: CLIENT_LIBRARIES, message: 'The domain is pure rules: no client library' },
        ...OUTER_LAYERS,
        { group: ['**/config', '**/config/**'], message: 'The domain has its own types (people, peak windows): it never imports src/config' },
        { group: ['**/services', '**/services/**', '**/runner', '**/runner/**', '**/ports', '**/ports/**', '**/app', '**/app/**'], message: 'src/domain imports nothing of the project but itself' },
      ] }],
    },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/commands', '**/commands/**'], message: 'Adapters never import the chat grammar: they hand chat events to the CommandCore port (src/ports/chat.ts)' },
        { group: ['**/sim', '**/sim/**'], message: 'Adapters never import the simulators' },
      ] }],
    },
  },
);
