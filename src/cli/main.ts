import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createRunners } from './runners/create-runners.js';
import { processIo, settleExitCode } from './process-io.js';
import { runCli } from './run-cli.js';

// Entry point (bin/kvs-clip.js imports dist/cli/main.js). Everything testable lives in runCli; this file only
// binds it to the real process: streams, signals, environment and the exit code.

// The SDK's nine-line "Node 22 will be required from 2027" warning is addressed to kvs-clip's maintainers (see
// engines in package.json), not to its users, and would break -q and the one-line error contract on stderr.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const io = processIo();
const version = readVersion();
const commandExitCode = await runCli(process.argv.slice(2), {
  io,
  version,
  versionDetails: versionDetails(),
  run: createRunners(io),
});
// Setting exitCode (not calling process.exit) lets stdout finish flushing a large --json document or MP4 stream.
process.exitCode = commandExitCode;
// Should a library leave a socket or timer open, do not hang the shell or cron: exit once output is flushed.
// A destroyed stdout (full disk) never calls back, hence the error path too.
await new Promise<void>((resolve) => {
  if (process.stdout.destroyed) resolve();
  else process.stdout.write('', () => resolve());
});
const exitCode = settleExitCode(commandExitCode);
process.exitCode = exitCode;
setTimeout(() => process.exit(exitCode), 1_000).unref();

function readVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') {
    return parsed.version;
  }
  return 'unknown';
}

/** The second line of `--version`, for bug reports: runtime, platform and the AWS SDK actually installed. */
function versionDetails(): string {
  let sdk = 'unknown';
  try {
    // Resolved and read as a file, not imported: --version must not load the SDK.
    const path = createRequire(import.meta.url).resolve('@aws-sdk/client-kinesis-video/package.json');
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') {
      sdk = parsed.version;
    }
  } catch {
    // An unusual install layout: say "unknown" rather than fail --version.
  }
  return `node ${process.version}, ${process.platform}-${process.arch}, @aws-sdk/client-kinesis-video ${sdk}`;
}
