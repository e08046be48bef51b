/** What the user gave when asked for a time: epoch ms, no hidden "now" or zone (docs/planning.md, "Time ranges"). */
export type TimeContext = {
  /** The instant relative expressions count back from (epoch ms). */
  nowMs: number;
  /** IANA zone for naive times and for "today"/"yesterday" (already checked by validateTimeZone). */
  timeZone: string;
  /** The flag or argument being parsed, for error messages: `--since`, `--until`, `RANGE`. */
  option?: string;
};

/** A time of day without a date, so a range end such as the `16:00` of `15:00..16:00` can take the start's date. */
export type TimeOfDay = {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** An explicit offset from the input (`3pm PST`), else the zone applies. */
  offsetMs?: number;
};

/** One reading of a time expression by the layered grammar. */
export type TimeExpression = {
  startMs: number;
  /** Set when the phrase itself was a range (`yesterday 3pm to 4pm`). */
  endMs?: number;
  /** Set when the text named a whole day (`yesterday`, `2025-06-14`, `monday`): the next 00:00 in the zone. */
  wholeDayEndMs?: number;
  /** Set when only a time of day was given (`16:00`, `4pm`). */
  timeOfDay?: TimeOfDay;
};
