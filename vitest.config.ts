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
    ],
  },
});
