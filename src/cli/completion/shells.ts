/**
 * The shells `kvs-clip completion` supports. Apart from completion-script.ts so that registering the command
 * (on every start-up) does not load the script generators, which only `completion` and the build run.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
