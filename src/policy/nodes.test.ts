// Node affinity's Gt and Lt, as the scheduler reads them: both sides through strconv.ParseInt, the
// value a label value too (apimachinery labels/selector.go NewRequirement, Requirement.Matches).
// Review sched46: a label "007" was read as no number, so a working CR was denied (its targets
// "cannot run on node n1"); review sched46b: a value "+2" matched, where Kubernetes matches nothing.
import { describe, expect, it } from '@jest/globals';
import { node } from '../../test/support/builders.js';
import { matchesRequiredTerms } from './nodes.js';

const GEN = 'example.com/disk-gen';
const holds = (label: string | undefined, operator: string, values: string[]) =>
  matchesRequiredTerms(
    [{ matchExpressions: [{ key: GEN, operator, values }] }],
    node('n1', label === undefined ? {} : { [GEN]: label }),
  );

describe('node affinity Gt and Lt', () => {
  it.each([
    ['7', 'Gt', '5', true],
    ['007', 'Gt', '5', true],
    ['7', 'Gt', '05', true],
    ['7', 'Gt', '+5', false], // no label value: NewRequirement refuses it, the term matches nothing
    ['5', 'Gt', '5', false],
    ['3', 'Lt', '-1', false], // the same
    ['0', 'Lt', '1', true],
    ['9223372036854775807', 'Gt', '0', true],
    ['9223372036854775808', 'Gt', '0', false], // past int64: ParseInt fails, the node does not match
    ['7x', 'Gt', '5', false],
    ['', 'Gt', '-1', false],
    ['1_000', 'Gt', '5', false], // underscores only with base 0
    ['0x10', 'Gt', '5', false],
  ])('label %s %s %s: %s', (label, operator, value, expected) =>
    expect(holds(label, operator, [value])).toBe(expected),
  );
  it('no label, or not exactly one value, matches no node', () => {
    expect(holds(undefined, 'Gt', ['1'])).toBe(false);
    expect(holds('7', 'Gt', ['1', '2'])).toBe(false);
    expect(holds('7', 'Gt', [])).toBe(false);
  });
});
