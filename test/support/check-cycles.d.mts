// Types for check-cycles.mjs (the lint step is plain JavaScript so `npm run lint` runs it without a build).
export declare function importsOf(text: string): string[];
export declare function findCycles(root: string): { files: number; cycles: string[][] };
