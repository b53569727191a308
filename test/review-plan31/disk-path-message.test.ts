// Review plan31: a disk listed as /mnt/sda/ was refused with "path must be the disk's absolute mount
// point on the node, e.g. /mnt/sda": /mnt/sda/ is one, so the message did not say what to change.
import { describe, expect, it } from '@jest/globals';
import { parseDiskMap } from '../../src/plan/index.js';

const refusal = (path: unknown) => {
  try {
    parseDiskMap({ n1: [{ path, size: '8Ti' }] }, 'disks.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('review plan31: why a disk path is refused', () => {
  it('a trailing "/" is named as the cause', () => {
    expect(refusal('/mnt/sda/')).toBe(
      'disks.yaml: n1[0]: path /mnt/sda/ ends in "/": write the mount point without it, e.g. /mnt/sda',
    );
  });
  it('a relative path still gets the general rule', () => {
    expect(refusal('mnt/sda')).toMatch(/absolute mount point/);
  });
});
