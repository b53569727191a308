// review helm31: docs/helm.md's first rollout, "add --set mode=audit, then helm upgrade without it".
// DEFECT: taken as written (`helm upgrade ais-guard deploy/helm/ais-guard`, no values flag), Helm reuses
// the release's values when none are given (pkg/action/upgrade.go reuseValues: len(newVals) == 0 ->
// current.Config), mode=audit included: the guard stays in audit, every validating webhook Ignore,
// while the team believes it enforces. Given with the other flags of the install but not mode, the
// upgrade keeps mode=audit out, but drops every value not repeated (the certificate files: the chart's
// Secret and caBundle go).
// EXPECTED: the page gives the command, and that command, run the way Helm runs it, leaves audit with
// the install's other values kept. Helm's value handling is mirrored below for the flags it uses.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART } from './support.js';

type Values = Record<string, string>;

/** The values an upgrade renders with (chart defaults aside), as pkg/action/upgrade.go reuseValues. */
function upgradeValues(command: string, installed: Values): Values {
  const sets = Object.fromEntries(
    [...command.matchAll(/--set(?:-file)? (\S+?)=(\S+)/g)].map((m) => [m[1], m[2]] as [string, string]),
  );
  if (/--reuse-values|--reset-then-reuse-values/.test(command)) return { ...installed, ...sets };
  return Object.keys(sets).length ? sets : installed;
}

describe('review helm31: the first rollout leaves audit mode', () => {
  it('the documented upgrade after a --set mode=audit install enforces, with the other values kept', () => {
    const doc = readFileSync(join(CHART, '..', '..', '..', 'docs', 'helm.md'), 'utf8');
    const para = doc.slice(doc.indexOf('First rollout:')).split('\n\n')[0] ?? '';
    const command =
      /`(helm upgrade [^`]*)`/.exec(para)?.[1] ?? 'helm upgrade ais-guard deploy/helm/ais-guard';
    const installed = {
      mode: 'audit',
      'image.repository': 'registry.example.com/ais-guard',
      'certificates.files.tlsCrt': 'certs/tls.crt',
    };
    const after = upgradeValues(command, installed);
    expect({ command, mode: after.mode ?? 'enforce' }).toEqual({ command, mode: 'enforce' });
    expect(after['image.repository']).toBe('registry.example.com/ais-guard');
    expect(after['certificates.files.tlsCrt']).toBe('certs/tls.crt');
  });
});
