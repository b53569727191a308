import { describe, expect, it } from '@jest/globals';
import { valueAt } from './json.js';

describe('valueAt', () => {
  const doc = JSON.parse(
    '{"a": {"b/c": [10, {"~d": 1}]}, "labels": {"constructor": "x", "__proto__": "y"}}',
  ) as unknown;
  it.each([
    ['', doc],
    ['/a/b~1c/0', 10],
    ['/a/b~1c/1/~0d', 1],
    ['/labels/constructor', 'x'],
    ['/labels/__proto__', 'y'],
  ])('%s names the value written there', (pointer, value) => expect(valueAt(doc, pointer)).toEqual(value));
  it.each([
    '/missing',
    '/a/missing/deeper',
    '/a/b~1c/2',
    '/a/b~1c/length',
    '/a/b~1c/01',
    '/a/toString',
    '/a/constructor',
    '/a/hasOwnProperty',
    '/a/b~1c/1/~0d/x',
  ])('%s names nothing (own properties only, array indexes as JSON Pointer writes them)', (pointer) =>
    expect(valueAt(doc, pointer)).toBeUndefined(),
  );
});
