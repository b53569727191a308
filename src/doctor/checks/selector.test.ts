import { expect, it } from '@jest/globals';
import type { LabelSelector } from '../types.js';
import { selects } from './selector.js';

const NAME = 'kubernetes.io/metadata.name';
const rows: { name: string; selector?: LabelSelector; labels: Record<string, string>; want: boolean }[] = [
  { name: 'no selector selects all', labels: { [NAME]: 'kube-system' }, want: true },
  { name: 'empty selector selects all', selector: {}, labels: {}, want: true },
  {
    name: 'NotIn excludes',
    selector: { matchExpressions: [{ key: NAME, operator: 'NotIn', values: ['kube-system'] }] },
    labels: { [NAME]: 'kube-system' },
    want: false,
  },
  {
    name: 'NotIn: absent key selects',
    selector: { matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['a'] }] },
    labels: {},
    want: true,
  },
  {
    name: 'In',
    selector: { matchExpressions: [{ key: 'x', operator: 'In', values: ['a'] }] },
    labels: { x: 'a' },
    want: true,
  },
  {
    name: 'In: absent key',
    selector: { matchExpressions: [{ key: 'x', operator: 'In', values: ['a'] }] },
    labels: {},
    want: false,
  },
  {
    name: 'Exists',
    selector: { matchExpressions: [{ key: 'x', operator: 'Exists' }] },
    labels: { x: '' },
    want: true,
  },
  {
    name: 'DoesNotExist',
    selector: { matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] },
    labels: { x: '' },
    want: false,
  },
  {
    name: 'matchLabels and expressions both hold',
    selector: { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] },
    labels: { a: '1' },
    want: false,
  },
  {
    name: 'unknown operator selects nothing',
    selector: { matchExpressions: [{ key: 'x', operator: 'Gt' }] },
    labels: { x: '1' },
    want: false,
  },
];

it.each(rows)('$name', ({ selector, labels, want }) => expect(selects(selector, labels)).toBe(want));
