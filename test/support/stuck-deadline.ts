// A Deadline (src/k8s/deadline.ts) for a test with a request a fake apiserver takes and never
// answers: that request is given up when the test calls `taken()` (the fake saw it arrive), not on a
// clock a busy machine could race, and its failure says `ms`; every other request has a minute.
import { within, type Deadline } from '../../src/k8s/deadline.js';

const OTHERS = within(60_000);

export function stuckDeadline(ms: number, isStuck: (url: URL) => boolean): { when: Deadline; taken(): void } {
  const taken = new AbortController();
  const when: Deadline = {
    ms,
    signal: (url) => (isStuck(new URL(url)) ? taken.signal : OTHERS.signal(url)),
  };
  return { when, taken: () => taken.abort() };
}
