import type { PendingStep, PostStep, PostStepContext } from './post-step.js';

/**
 * Runs the steps owed, in order, one output at a time. `onDone` is called after each step that succeeded (cron
 * removes it from the state file), so a failure leaves exactly the steps still owed recorded. The first failure
 * stops the run and propagates (IncompleteError E_HOOK for --exec): the outputs stay in place.
 */
export async function runPostSteps(
  owed: readonly PendingStep[],
  steps: readonly PostStep[],
  context: PostStepContext & { onDone?: (step: PendingStep) => Promise<void> },
): Promise<void> {
  for (const pending of owed) {
    const step = steps.find((candidate) => candidate.id === pending.id);
    if (step === undefined) continue;
    await step.run(pending.output, context);
    await context.onDone?.(pending);
  }
}

/** Every (step, output) pair a run owes for its outputs: each step for each file, file by file. */
export function owedSteps(steps: readonly PostStep[], outputs: readonly string[]): PendingStep[] {
  return outputs.flatMap((output) => steps.map((step) => ({ id: step.id, output })));
}
