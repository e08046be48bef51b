import { integerInRange, optionalObject, optionalString, type RequestBody } from '../request-fields.js';
import type { StreamStore } from '../store.js';
import { invalidArgument } from '../wire-error.js';
import { streamInfo } from './describe-stream.js';

/** Page size when MaxResults is absent: a stand-in (AWS documents 10,000 but was seen returning ~10). */
const DEFAULT_PAGE = 100;

/** POST /listStreams with NextToken paging and the BEGINS_WITH filter. Throws WireError InvalidArgument. */
export function listStreams(body: RequestBody, store: StreamStore): Record<string, unknown> {
  const maxResults = integerInRange(body, 'MaxResults', 1, 10_000, DEFAULT_PAGE);
  const condition = optionalObject(body, 'StreamNameCondition');
  let prefix = '';
  if (condition !== undefined) {
    if (optionalString(condition, 'ComparisonOperator') !== 'BEGINS_WITH')
      throw invalidArgument('ComparisonOperator must be BEGINS_WITH.');
    prefix = optionalString(condition, 'ComparisonValue') ?? '';
  }
  const token = optionalString(body, 'NextToken');
  const after = token === undefined || token === '' ? undefined : decodeToken(token);
  const matching = store
    .list()
    .filter((s) => s.description.name.startsWith(prefix) && (after === undefined || s.description.name > after));
  const page = matching.slice(0, maxResults);
  const last = page[page.length - 1];
  return {
    StreamInfoList: page.map(streamInfo),
    ...(matching.length > page.length && last !== undefined
      ? { NextToken: Buffer.from(`after:${last.description.name}`, 'utf8').toString('base64') }
      : {}),
  };
}

function decodeToken(token: string): string {
  const text = /^[a-zA-Z0-9+/=]+$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';
  if (!text.startsWith('after:')) throw invalidArgument(`Invalid NextToken: ${token}`);
  return text.slice('after:'.length);
}
