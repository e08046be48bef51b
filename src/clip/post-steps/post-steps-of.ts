import type { PostStepOptions } from '../get-types.js';
import { execHookStep } from './exec-hook.js';
import type { PostStep } from './post-step.js';

/** The post-steps a run was asked for, in the order they run (`--exec` first; the S3 upload comes next). */
export function postStepsOf(options: PostStepOptions): PostStep[] {
  return options.exec === undefined ? [] : [execHookStep(options.exec)];
}
