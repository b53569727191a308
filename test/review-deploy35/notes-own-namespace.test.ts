// review deploy35: a chart install in a namespace of AIStore's, told nothing of it.
// The guard never judges its own namespace: every webhook's namespaceSelector leaves it out, and so
// does serve (AIS_GUARD_NAMESPACE). `ais-guard render --namespace NS` says so on stderr ("nothing in
// namespace NS is ever judged"). The chart renders the same objects for namespace.name NS, or for the
// release namespace (docs/helm.md: `--namespace X --create-namespace --set namespace.name= --set
// namespace.create=false` "installs into the release namespace"), yet its NOTES said nothing: a team
// that installs the guard next to its AIStore (`helm install -n ais ...`) gets no verdict on any of
// its CRs, claims or StatefulSets, while helm reports a successful install.
// EXPECTED: NOTES says what render says, for any namespace but ais-guard, whichever value chose it.
import { describe, expect, it } from '@jest/globals';
import { CHART, helm } from '../review-helm31/support.js';

const T = 120_000;

/** NOTES as `helm install -n releaseNs` prints it (client-side dry run: no cluster). */
function notes(releaseNs: string, sets: string[]): string {
  const r = helm(['install', 'ais-guard', CHART, '--dry-run=client', '-o', 'json', '-n', releaseNs, ...sets]);
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { info: { notes: string } }).info.notes;
}

const UNJUDGED = /nothing in namespace (\S+) is ever judged/;

describe('review deploy35: NOTES names a namespace the guard never judges', () => {
  it(
    'namespace.name ais: NOTES says nothing in ais is judged',
    () => {
      expect(notes('default', ['--set', 'namespace.name=ais']).match(UNJUDGED)?.[1]).toBe('ais');
    },
    T,
  );

  it(
    'the release namespace (namespace.name empty): NOTES names it',
    () => {
      const text = notes('ais', ['--set', 'namespace.name=', '--set', 'namespace.create=false']);
      expect(text.match(UNJUDGED)?.[1]).toBe('ais');
    },
    T,
  );

  it(
    'the default namespace ais-guard, whatever the release namespace: no such line',
    () => {
      expect(notes('ais', [])).not.toMatch(UNJUDGED);
      expect(notes('ais-guard', ['--set', 'namespace.name=', '--set', 'namespace.create=false'])).not.toMatch(
        UNJUDGED,
      );
    },
    T,
  );
});
