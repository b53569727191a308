// Review "roll22b" (branch review-roll22b): 0833dca's targetTemplateInputs / annotates / rollsTargets
// (src/policy/aistore.ts) and the CEL twin (src/vap/policies.ts rollsTargets) attacked against
// operator v3.4.0 (/work/shared/ais-k8s/operator) and apimachinery v0.36.1 (the operator's go.mod).
// Whether an AIStore UPDATE re-creates the target pods is decided by
// internal/controller/aistore/common.go shouldUpdatePodTemplate on the template that
// internal/resources/aistore/target/statefulset.go NewTargetSS renders from the new CR against the one
// rendered from the stored CR. Each case fails on 0833dca.
import { describe, expect, it } from '@jest/globals';
import { aistore, node } from '../support/builders.js';
import { changed, judgeUpdate, messages, SIDES } from '../support/sides.js';
import { admit } from '../vap/support/vap-eval.js';
import { AISTORE_VAP, rolls } from '../support/rollout.js';

describe('under-detection: a NEW annotation whose value is "" (DeepDerivative on maps)', () => {
  // DEFECT (false allow in pv-target-binding; false deny in target-host-port, webhook AND VAP).
  // 0833dca made annotates() (and the CEL `object...annotations[k] != ''`) skip every annotation whose
  // new value is "", citing DeepDerivative. That is right only for a key the live template already
  // has. For a key it does not have, DeepDerivative fails: apimachinery
  // third_party/forked/golang/reflect/deep_equal.go deepValueDerive, reflect.Map case, walks the
  // desired keys and calls deepValueDerive(v1.MapIndex(k), v2.MapIndex(k)); for a key absent from
  // the current map v2.MapIndex(k) is the zero Value, and the function's first check
  // `if !v1.IsValid() || !v2.IsValid() { return v1.IsValid() == v2.IsValid() }` returns false (the
  // reflect.String "empty means unset" branch is never reached). Operator
  // internal/controller/aistore/common.go shouldUpdateAnnotations then returns true (also after
  // dropping the restart hash: the desiredCopy still has the new key), cmn/statefulset.go
  // PrepareAnnotations having copied the CR's annotation, "" included, into the template. So
  // `targetSpec.annotations: {"example.com/skip": ""}` added to a live CR rolls every target.
  // Impact: the ratchet misses a rollout (targets come back Pending on a node that no longer admits
  // them), and a Pod-DNS switch + scale-out that rides this rollout is refused as "duplicate IPs".
  // Expected: rollsTargets true; the switch admitted by the webhook and the VAP.
  const CR = aistore({ size: 4, disable: true });
  const added = changed(CR, (c) => (c.spec.targetSpec.annotations = { 'example.com/skip': '' }));
  it('rollsTargets: a new annotation with value "" added', () => expect(rolls(CR, added)).toBe(true));

  // The same for spec.networkAttachment: "" (PrepareAnnotations writes the multus annotation whenever
  // NetAttachment is non-nil, "" included); a template without that key gets a new key: rollout.
  const attached = changed(CR, (c) => (c.spec.networkAttachment = ''));
  it('rollsTargets: networkAttachment "" added', () => expect(rolls(CR, attached)).toBe(true));

  const LIVE_IP = aistore({
    size: 1,
    disable: true,
    hostPort: 0,
    nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
  });
  const next = changed(LIVE_IP, (c) => {
    c.spec.targetSpec.size = 2;
    c.spec.publicNetDNSMode = 'Pod';
    c.spec.targetSpec.annotations = { 'example.com/skip': '' };
  });
  const NODES3 = [node('node-1'), node('node-2'), node('node-3')];
  it.each(SIDES)('[%s] Pod switch + scale-out riding a new "" annotation: admitted', (_, side) => {
    expect(messages(judgeUpdate(side, LIVE_IP, next, NODES3)).join('\n')).not.toMatch(
      /target-host-port deny/,
    );
  });
  it('VAP: Pod switch + scale-out riding a new "" annotation: admitted', () => {
    const failures = AISTORE_VAP.flatMap(
      (p) => admit(p, { operation: 'UPDATE', object: next, oldObject: LIVE_IP }).failures,
    );
    expect(failures.map((f) => f.rule)).not.toContain('target-host-port');
  });
});

describe('over-detection: configToUpdate.log.max_total is a size, not a string', () => {
  // DEFECT (false deny, edge). cmn/statefulset.go NewResourceReq sets the aisnode ephemeral-storage
  // request to int64(*ais.MaxLogTotal()) + 16MiB + 128MiB, or DefaultLogsStorageReq (512MiB) + the
  // same when max_total is unset. MaxTotal is a *SizeIEC (api/aistore/v1beta1/aisconfig.go
  // LogConfToUpdate; util_types.go SizeIEC.UnmarshalJSON -> aistore cmn/cos/size.go ParseSize,
  // case-insensitive, IEC): "1GiB", "1024MiB" and "1gib" are one number, and "512MiB" renders what
  // unset renders. max_total is in nothing else the template compares (HashRestartConfigs hashes
  // net.http only). resourcesOf keeps the raw value ({maxLogTotal: "1GiB"}), so the engine counts
  // a respelling as a rollout although 0833dca's message says quantities in any spelling do not.
  // Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.configToUpdate = { log: { max_total: '1GiB' } };
  });
  it('rollsTargets: max_total 1GiB -> 1024MiB', () =>
    expect(
      rolls(
        CR,
        changed(CR, (c) => (c.spec.configToUpdate.log.max_total = '1024MiB')),
      ),
    ).toBe(false));
  it('rollsTargets: max_total unset -> 512MiB (the operator default written out)', () => {
    const bare = aistore({ size: 4, disable: true });
    expect(
      rolls(
        bare,
        changed(bare, (c) => (c.spec.configToUpdate = { log: { max_total: '512MiB' } })),
      ),
    ).toBe(false);
  });
});

describe('over-detection: the log sidecar resources compared as written', () => {
  // DEFECT (false deny, edge). The sidecar is compared on name, image, resources and security
  // context (common.go sidecarContainerChecks) with equality.Semantic.DeepEqual, which compares
  // quantities by value (1Gi == 1024Mi). cmn/statefulset.go NewLogSidecar copies
  // spec.logSidecar.resources only when non-nil, so `resources: {}` renders the zero
  // ResourceRequirements an absent one does. targetTemplateInputs keeps spec.logSidecar whole and
  // raw. Expected: rollsTargets false for both.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.logSidecar = { image: 'aistorage/ais-logs:v1', resources: { limits: { memory: '1Gi' } } };
  });
  it('rollsTargets: logSidecar memory limit 1Gi -> 1024Mi', () =>
    expect(
      rolls(
        CR,
        changed(CR, (c) => (c.spec.logSidecar.resources.limits.memory = '1024Mi')),
      ),
    ).toBe(false));
  it('rollsTargets: logSidecar resources {} added', () => {
    const bare = changed(CR, (c) => delete c.spec.logSidecar.resources);
    expect(
      rolls(
        bare,
        changed(bare, (c) => (c.spec.logSidecar.resources = {})),
      ),
    ).toBe(false);
  });
});

describe('over-detection: probe defaults written out', () => {
  // DEFECT (false deny, edge; 0833dca's message says "probe defaults written out ... do not" roll).
  // cmn/res.go NewLivenessProbe/NewReadinessProbe/NewStartupProbe read each override with
  // int32ValOrDefault: liveness periodSeconds 5 (defaultProbePeriodSeconds), failureThreshold 10
  // (defaultLivenessFailureThreshold), initialDelaySeconds 60; startup failureThreshold 30; readiness
  // initialDelaySeconds 0 (the zero value when unset). Writing those values renders the same probes,
  // so shouldUpdateProbes (common.go) sees no change. targetTemplateInputs' `pruned` only drops empty
  // objects and nulls, not values equal to the defaults. Expected: rollsTargets false.
  const CR = aistore({ size: 4, disable: true });
  const cases: [string, unknown][] = [
    [
      'liveness {periodSeconds: 5, failureThreshold: 10, initialDelaySeconds: 60}',
      {
        liveness: { periodSeconds: 5, failureThreshold: 10, initialDelaySeconds: 60, timeoutSeconds: 5 },
      },
    ],
    ['startup {failureThreshold: 30}', { startup: { failureThreshold: 30 } }],
    ['readiness {initialDelaySeconds: 0}', { readiness: { initialDelaySeconds: 0 } }],
  ];
  for (const [what, probes] of cases)
    it(`rollsTargets: probes ${what} added`, () =>
      expect(
        rolls(
          CR,
          changed(CR, (c) => (c.spec.targetSpec.probes = probes)),
        ),
      ).toBe(false));
});

describe('over-detection: net.http durations are hashed as durations', () => {
  // DEFECT (false deny, edge). The restart hash (cmn/config.go HashRestartConfigs) is sha256 of
  // jsoniter.Marshal of the aistore HTTPConfToSet that ConfigToUpdate.Convert (aisconfig.go,
  // cos.MorphMarshal) builds; idle_conn_time is a *cos.Duration there (aistore v1.4.9 cmn/config.go
  // HTTPConfToSet), whose UnmarshalJSON parses with time.ParseDuration and whose MarshalJSON writes
  // Duration.String() with "m0s" trimmed (cmn/cos/duration.go): "60s" and "1m" both hash as "1m",
  // so the restart annotation, hence the template, is unchanged. targetTemplateInputs' restartHash
  // keeps net.http raw. Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.configToUpdate = { net: { http: { idle_conn_time: '60s' } } };
  });
  it('rollsTargets: idle_conn_time 60s -> 1m', () =>
    expect(
      rolls(
        CR,
        changed(CR, (c) => (c.spec.configToUpdate.net.http.idle_conn_time = '1m')),
      ),
    ).toBe(false));
});
