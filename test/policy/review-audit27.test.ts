// Review audit27: mount-template-name's operator-volume names (oper27). The operator names a
// useHostPath mount's volume fmt.Sprintf("%s-%d", hostMountPrefix, index) (operator
// internal/resources/aistore/target/volumes.go getHostPathVolumeName, appendHostPathDataVolumes):
// a decimal index without leading zeros. HOST_PATH_VOLUME_NAME (src/policy/aistore.ts,
// '^host-data-mount-[0-9]+$') also matches "host-data-mount-01", "host-data-mount-007", which no
// index of any CR renders, so such a claim template replaces no pod volume; the webhook (and the VAP,
// which shares the pattern) deny the CR with a message naming a "mount 01" that cannot exist.
import { describe, expect, it } from '@jest/globals';
import { aistore, findingsOf, run } from '../support/builders.js';

describe('mount-template-name: a template named host-data-mount-<digits> that no index renders', () => {
  for (const path of ['/data-mount-01', '/data-mount-007']) {
    it(`CR "host" with claim mount ${path}: not an operator volume's name, admitted`, () => {
      const cr = aistore({ name: 'host', mounts: [{ path, size: '1Ti' }] });
      const ev = run({ name: path, object: cr });
      expect(findingsOf(ev, 'mount-template-name').map((f) => `${f.action}: ${f.message}`)).toEqual([]);
    });
  }
  it('control: host-data-mount-1 is the name of mount 1 when it is useHostPath (denied, as designed)', () => {
    const cr = aistore({ name: 'host', mounts: [{ path: '/data-mount-1', size: '1Ti' }] });
    const ev = run({ name: 'control', object: cr });
    expect(findingsOf(ev, 'mount-template-name').map((f) => f.action)).toEqual(['deny']);
  });
});
