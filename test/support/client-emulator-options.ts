import type { EmulatorOptions } from '../../src/emulator/start-emulator.js';

/**
 * What every client-side e2e suite (get, list, the kvs adapters) sets on its emulator: all real-service quirks on,
 * and the GetClip shape chosen by KVS_CLIP_TEST_CLIP_SHAPE (`aws`, the default, or `fixture`). The vitest project
 * `e2e-fixture-shape` reruns these suites with `fixture`, so kvs-clip is tested against both clip shapes.
 * Throws Error for an unknown shape name (a typo must not silently test the default).
 */
export function clientEmulatorOptions(): Pick<EmulatorOptions, 'quirks' | 'clipShape'> {
  const shape = process.env['KVS_CLIP_TEST_CLIP_SHAPE'] ?? 'aws';
  if (shape !== 'aws' && shape !== 'fixture')
    throw new Error(`KVS_CLIP_TEST_CLIP_SHAPE=${shape}: expected aws or fixture`);
  return { quirks: true, clipShape: shape };
}
