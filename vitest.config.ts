import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, no network, no child processes) and `e2e` (the built CLI, the emulator on
// 127.0.0.1, ffmpeg/ffprobe as the independent media judge). `npm test` builds first, then runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.e2e.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          include: ['test/**/*.e2e.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Two cores: keep e2e files from starving each other (they spawn the CLI and ffmpeg).
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        // The get/list/kvs suites once more against the emulator's other GetClip shape (the fixture's timescale,
        // regular frames and labels): see test/support/client-emulator-options.ts.
        test: {
          name: 'e2e-fixture-shape',
          sequence: { groupOrder: 2 },
          include: [
            'test/clip/**/*.e2e.test.ts',
            'test/kvs/**/*.e2e.test.ts',
            'test/cli/kvs-commands.e2e.test.ts',
            'test/cli/json-schema.e2e.test.ts',
          ],
          env: { KVS_CLIP_TEST_CLIP_SHAPE: 'fixture' },
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
