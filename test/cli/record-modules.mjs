// Preloaded by start-up.e2e.test.ts with NODE_OPTIONS=--import: appends every module the CLI loads to the file
// named by KVS_CLIP_TEST_MODULE_LOG, ES modules as their URL (a load hook) and CommonJS ones as their path
// (require's cache at exit: the SDK and cli-progress are required, not imported).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.KVS_CLIP_TEST_MODULE_LOG, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  appendFileSync(
    process.env.KVS_CLIP_TEST_MODULE_LOG,
    Object.keys(cache)
      .map((path) => `${path}\n`)
      .join(''),
  );
});
