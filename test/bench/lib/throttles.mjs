// Evidence for quota violations: each throttled call with the arrival gap to the previous call of its operation.

/**
 * Describes the ClientLimitExceededException entries of a request-log slice: "GetClip at +t ms, g ms after the
 * previous GetClip (status s)". Entries are logged on completion, so arrival order comes from `at`, not `seq`.
 */
export function describeThrottles(entries) {
  const throttled = entries.filter((e) => e.errorType === 'ClientLimitExceededException');
  const first = Math.min(...entries.map((e) => e.at));
  return throttled.map((t) => {
    const before = entries.filter((e) => e.op === t.op && e !== t && e.at <= t.at).sort((a, b) => b.at - a.at)[0];
    return `${t.op} at +${t.at - first} ms${before === undefined ? '' : `, ${t.at - before.at} ms after the previous ${t.op} (status ${before.status})`}`;
  });
}
