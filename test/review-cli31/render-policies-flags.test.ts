// Review cli31: `render --vap --webhooks-only` (or --apiserver-cidr) was refused with "they take no
// overlay, namespace, name, image, caBundle or URL": a list of flags the user had not given, and not
// the one they had. The refusal names the flags given.
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

describe('review cli31: render --vap/--map with a webhook flag names it', () => {
  it.each([
    [['--vap', '--webhooks-only'], '--webhooks-only'],
    [['--map', '--apiserver-cidr', '10.0.0.10/32'], '--apiserver-cidr'],
    [['--vap', '--overlay', 'audit', '--image', 'x:1'], '--overlay, --image'],
  ])('%j', async (argv, named) => {
    const r = await cli(['render', ...argv]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `ais-guard render: ${argv[0]} prints the admission policies alone, which take no webhook flags: drop ${named}\n`,
    );
  });
});
