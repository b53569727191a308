// The request bodies the benchmark sends: AdmissionReviews as the apiserver sends them, with a
// target Pod in the shape ais-operator and the StatefulSet controller really produce (~6 KB).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const FIXTURES = new URL('../test/fixtures/aistore/', import.meta.url);
const fixture = (name) => parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

function review(object, kind, resource, operation = 'CREATE') {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '8a3e2b1c-7d4f-4e5a-9b6c-0d1e2f3a4b5c',
      kind: { group, version, kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind },
      requestResource: { group, version, resource },
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      operation,
      userInfo: {
        username: 'system:serviceaccount:kube-system:statefulset-controller',
        uid: 'c8f1',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      },
      object,
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

/** Fixture 09 filled in with what the operator and the apiserver's defaulting add. */
function operatorTargetPod() {
  const pod = fixture('09-pod-target-1-from-statefulset-allow.yaml');
  const defaults = {
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
  const c = pod.spec.containers[0];
  Object.assign(c, defaults, {
    env: [
      ...c.env,
      { name: 'MY_NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
      { name: 'K8S_NS', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
      {
        name: 'AIS_PUBLIC_HOSTNAME',
        valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } },
      },
      { name: 'AIS_K8S_CLUSTER_DOMAIN', value: 'cluster.local' },
    ],
    resources: { requests: { cpu: '8', memory: '32Gi' }, limits: { memory: '64Gi' } },
    securityContext: { capabilities: { add: ['SYS_PTRACE'] } },
    livenessProbe: {
      httpGet: { path: '/v1/health', port: 51081, scheme: 'HTTP' },
      initialDelaySeconds: 90,
      timeoutSeconds: 5,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 15,
    },
    readinessProbe: {
      httpGet: { path: '/v1/health?readiness=true', port: 51081, scheme: 'HTTP' },
      initialDelaySeconds: 5,
      timeoutSeconds: 5,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
    },
    startupProbe: {
      httpGet: { path: '/v1/health', port: 51081, scheme: 'HTTP' },
      timeoutSeconds: 5,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 120,
    },
    lifecycle: { preStop: { exec: { command: ['/bin/bash', '-c', '/usr/bin/pkill -SIGINT aisnode'] } } },
  });
  c.volumeMounts.push(
    { name: 'logs-dir', mountPath: '/var/log/ais', subPathExpr: '$(MY_POD)' },
    { name: 'config-global', mountPath: '/var/global_config' },
    {
      name: 'kube-api-access-9x7kq',
      readOnly: true,
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    },
  );
  pod.spec.initContainers = [
    {
      name: 'populate-env',
      image: 'docker.io/aistorage/ais-init:v3.30',
      args: [
        '-role=target',
        '-local_config_template=/var/ais_config_template/ais_local.json',
        '-output_local_config=/var/ais_config/ais_local.json',
        '-cluster_config_override=/var/global_config/ais.json',
        '-output_cluster_config=/var/ais_config/ais.json',
      ],
      env: [{ name: 'MY_POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
      volumeMounts: [
        { name: 'config-template', mountPath: '/var/ais_config_template' },
        { name: 'config-mount', mountPath: '/var/ais_config' },
        { name: 'config-global', mountPath: '/var/global_config' },
      ],
      ...defaults,
    },
  ];
  pod.spec.volumes.push(
    { name: 'config-template', configMap: { name: 'ais-target', defaultMode: 420 } },
    { name: 'config-global', configMap: { name: 'ais-global-cm', defaultMode: 420 } },
    { name: 'logs-dir', emptyDir: {} },
    {
      name: 'kube-api-access-9x7kq',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
            },
          },
        ],
      },
    },
  );
  Object.assign(pod.spec, {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 1800,
    schedulerName: 'default-scheduler',
    securityContext: {},
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
  });
  pod.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'ais-node' };
  pod.status = { phase: 'Pending', qosClass: 'Burstable' };
  return pod;
}

function plainPod() {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d9f8b6c5-x2k4q',
      namespace: 'default',
      labels: { app: 'web', 'pod-template-hash': '7d9f8b6c5' },
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m' } },
        },
      ],
    },
  };
}

function pinnedCR() {
  // One host pinned, two targets, anti-affinity left on: /mutate turns it off (a patch every time).
  const cr = fixture('01-aistore-multitarget-valid.yaml');
  delete cr.spec.targetSpec.disablePodAntiAffinity;
  return cr;
}

export const CASES = [
  { id: 'validate-target-pod', path: '/validate', body: review(operatorTargetPod(), 'Pod', 'pods') },
  { id: 'mutate-aistore-patch', path: '/mutate', body: review(pinnedCR(), 'AIStore', 'aistores') },
  { id: 'validate-other-pod', path: '/validate', body: review(plainPod(), 'Pod', 'pods') },
  {
    id: 'validate-target-pvc',
    path: '/validate',
    body: review(
      fixture('05-pvc-target-data-correct-name.yaml'),
      'PersistentVolumeClaim',
      'persistentvolumeclaims',
    ),
  },
].map((c) => ({ ...c, text: JSON.stringify(c.body) }));
