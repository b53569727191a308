// render --image is held to what the kubelet pulls (github.com/distribution/reference
// ParseNormalizedNamed, go-digest for the digest): the apiserver takes any image without blanks, so a
// bad one used to be rendered, applied and accepted, and the guard's pods never started
// (InvalidImageName). A 120,000-character --image was printed as it came.
import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { imageReferenceProblem } from '../../src/deploy/index.js';
import { captureIo } from '../tls/support.js';

const SHA256 = `sha256:${'a'.repeat(64)}`;

describe('imageReferenceProblem', () => {
  it.each([
    'ais-guard',
    'ais-guard:0.1.0',
    'registry.example.com/ais-guard:0.1.0',
    'registry.example.com:5000/team/ais-guard:v0.1.0-rc.1_b',
    'localhost/ais-guard',
    'localhost:5000/a/b/c:latest',
    '127.0.0.1:5000/ais-guard',
    '[::1]:5000/ais-guard:1',
    'UPPER/ais-guard', // a capital letter makes the first part a registry host
    `ghcr.io/nvidia/ais-guard@${SHA256}`,
    `ais-guard:0.1.0@${SHA256}`,
    `ais-guard@sha384:${'0'.repeat(96)}`,
    `ais-guard@sha512:${'f'.repeat(128)}`,
    'a__b-c---d/e.f_g',
    `x:${'t'.repeat(128)}`,
    `example.com/${'a'.repeat(243)}`, // 255 with its registry
    'a'.repeat(237), // docker.io/library/ + 237 = 255
  ])('reads %s', (reference) => {
    expect(imageReferenceProblem(reference)).toBeUndefined();
  });

  it.each([
    ['', /empty or holds blanks/],
    ['ais guard', /blanks/],
    ['Ais-guard:1', /must be lowercase/],
    ['example.com/Team/ais', /must be lowercase/],
    ['a:b:c', /not lowercase letters and digits/],
    [':tag', /names no repository/],
    ['ais-guard:', /the tag ""/],
    ['ais-guard:-x', /the tag "-x"/],
    [`x:${'t'.repeat(129)}`, /the tag/],
    ['ais-guard@sha256:abc', /the digest/],
    [`ais-guard@md5:${'a'.repeat(32)}`, /the digest/],
    [`ais-guard@sha256:${'A'.repeat(64)}`, /the digest/],
    ['a..b', /not lowercase letters/],
    ['-a', /not lowercase letters/],
    ['a/', /not lowercase letters/],
    ['a//b', /not lowercase letters/],
    ['exa_mple.com/a', /no registry host/],
    ['a__b.c/d', /"a__b.c" is no registry host/], // a "." makes the first part a registry
    ['example.com:port/a', /no registry host/],
    [`example.com/${'a'.repeat(244)}`, /256 characters .* over 255/],
    ['a'.repeat(238), /256 characters/],
    ['f'.repeat(64), /image ID/],
  ])('refuses %s', (reference, why) => {
    expect(imageReferenceProblem(reference)).toMatch(why);
  });

  it('a 120,000-character reference is refused at once, in one clipped line', () => {
    const problem = imageReferenceProblem(`${'a'.repeat(120_000)}!`);
    expect(problem).toMatch(/over 255/);
    expect(problem!.length).toBeLessThan(200);
    // Each pattern runs on text whose length is bounded first: long runs that fail late stay quick.
    expect(imageReferenceProblem(`example.com/${'a-'.repeat(100)}!`)).toMatch(/not lowercase/);
    expect(imageReferenceProblem(`${'a'.repeat(50)}.${'b'.repeat(50)}-/x`)).toMatch(/no registry host/);
  });
});

describe('render --image', () => {
  async function render(image: string) {
    const io = captureIo();
    const code = await main(['render', '--image', image], io);
    return { code, out: io.out(), err: io.err() };
  }

  it('an image the kubelet cannot pull: exit 2, one line naming the flag and why, nothing printed', async () => {
    const r = await render('Registry.example.com/AIS-guard:0.1.0');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')[0]).toBe(
      'ais-guard render: --image "Registry.example.com/AIS-guard:0.1.0" is no image reference the kubelet can pull: the repository "AIS-guard" must be lowercase',
    );
  });

  it('a 120,000-character image: refused with the flag clipped', async () => {
    const r = await render('a'.repeat(120_000));
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]!.length).toBeLessThan(300);
  });

  it('a good one is rendered into the Deployment', async () => {
    const r = await render(`registry.example.com/ais-guard:0.1.0@${SHA256}`);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`image: registry.example.com/ais-guard:0.1.0@${SHA256}`);
  });
});
