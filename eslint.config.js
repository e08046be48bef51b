// Flat config: type-checked recommended rules plus the dependency rules from the house style (docs/README.md, "House
// rules").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdk = {
  group: ['@aws-sdk/*', '@smithy/*'],
  message: 'Only the adapter folders src/kvs and src/s3 import the AWS SDK.',
};
const io = {
  group: [
    'node:fs',
    'node:fs/*',
    'node:http',
    'node:https',
    'node:net',
    'node:child_process',
    'commander',
    'cli-progress',
  ],
  message: 'Pure core: no I/O here; take it as a parameter (docs/README.md, "House rules").',
};
const clientCode = {
  // src/mp4/plan is the joiner's pure planning, not the client's fragment planning in src/plan.
  group: ['**/kvs/*', '**/plan/*', '!**/mp4/plan/*', '**/download/*', '**/clip/*', '**/cli/*', '**/cli/**'],
  message: 'The emulator is the other side of the wire and never imports client code.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'completions/**',
      'test/fixtures/**',
      'bin/**',
      '**/*.mjs',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [sdk] }],
    },
  },
  {
    files: ['src/kvs/**/*.ts', 'src/s3/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: [
      'src/time/**/*.ts',
      'src/plan/**/*.ts',
      'src/errors/**/*.ts',
      'src/output/template.ts',
      'src/images/plan-image-calls.ts',
      'src/s3/plan-upload-parts.ts',
      'src/s3/s3-uri.ts',
      'src/download/retry-policy.ts',
      'src/download/pacer.ts',
      'src/archive/segments.ts',
      'src/archive/shard.ts',
      'src/archive/select-streams.ts',
      'src/archive/fleet-budget.ts',
      'src/mp4/*.ts',
      'src/mp4/read/**/*.ts',
      'src/mp4/boxes/**/*.ts',
      'src/mp4/plan/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [sdk, io] }] },
  },
  {
    files: ['src/emulator/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sdk, clientCode] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests may talk to the SDK directly to prove the emulator speaks the wire protocol.
      'no-restricted-imports': 'off',
    },
  },
);
