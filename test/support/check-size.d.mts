// Types for check-size.mjs (the lint step is plain JavaScript so `npm run lint` runs it without a build).
export declare const MAX_FUNCTION_LINES: number;
export declare const MAX_FILE_LINES: number;
export declare function longFunctions(
  fileName: string,
  text: string,
  max?: number,
): { name: string; line: number; lines: number }[];
export declare function lineCount(text: string): number;
export declare function hasWhyLongHeader(text: string): boolean;
export declare function checkTree(root: string): { files: number; problems: string[] };
