// Review plan31: a disk map with a "---" after its one document (as concatenating tools and many
// editors' templates leave it) was refused with the YAML library's own advice, "Source contains
// multiple documents; please use YAML.parseAllDocuments()": a JavaScript API, nothing the user can
// act on. An empty document beside the one map is no second map (kubectl skips empty documents);
// two real maps are refused in the user's terms, with the line of the second.
import { describe, expect, it } from '@jest/globals';
import { readYamlValue } from '../../src/k8s/yaml.js';

const MAP = 'node-a:\n  - {path: /mnt/a, size: 8Ti}\n';

describe('review plan31: the disk map file and YAML document markers', () => {
  it.each([
    ['a trailing ---', `${MAP}---\n`],
    ['a leading and a trailing ---', `---\n${MAP}---\n`],
    ['an empty document before', `---\n---\n${MAP}`],
    ['a comment-only document after', `${MAP}---\n# nothing here\n`],
  ])('%s: the one map is read', (_, text) => {
    expect(readYamlValue(text, 'disks.yaml')).toEqual({ 'node-a': [{ path: '/mnt/a', size: '8Ti' }] });
  });

  it('two maps: refused in one line with the place, no library API named', () => {
    let message = '';
    try {
      readYamlValue(`${MAP}---\nnode-b:\n  - {path: /mnt/b, size: 8Ti}\n`, 'disks.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^disks\.yaml:3: /);
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/parseAllDocuments|YAML\./);
    expect(message).toContain('one YAML document');
  });
});
