// ais-guard's oracle: the AIStore operator's own code, asked what it does with a CR.
//
// This file is ais-guard's, not the operator's. run.sh copies it into a temporary copy of
// the operator module ($AIS_K8S_SOURCE/operator) as cmd/aisguard-oracle/main.go, together
// with export.go (placed in internal/controller/aistore, see there), and builds it there:
// the operator's module path is not on the Go proxy and its internal packages can only be
// imported from inside the module.
//
// Protocol: one JSON object per input line, one JSON object per output line, same order.
//
//	in:  {"id":"…","cr":<AIStore>,"old":<AIStore, optional>,"nodes":[<Node>…],"storageClasses":["…"]}
//	out: {"id":"…","targetSize":N,"expectedTargetNodes":[…],"statefulSet":<StatefulSet>,
//	      "mountpathsError":"…" (only when aisnode would refuse them),
//	      "create":{"allowed":bool,"error":"…","warnings":[…]},"update":{…} (only with "old"),
//	      "specError":"…" (only when the spec-only checks fail),
//	      "resourcesSync":{"target":{"update":bool,"reason":"…"},"proxy":{…}}}
//
// What each field comes from (operator v3.4.0):
//   - expectedTargetNodes: Reconciler.listMatchingNodeNames (internal/controller/aistore,
//     cluster_controller.go), as determineAutoScaleStatus fills status.autoScaleStatus for a
//     new cluster (no target pods running yet); only when IsTargetAutoScaling.
//   - targetSize: AIStore.GetTargetSize (api/aistore/v1beta1/aistore_types.go) with that status.
//   - statefulSet: target.NewTargetSS(ais, ais.GetTargetSize()) (internal/resources/aistore/
//     target/statefulset.go) created through K8sClient.CreateResourceIfNotExists (internal/
//     client/api.go) into a fake API client and read back, as Reconciler.initTargets does, so the
//     controller owner reference to the CR is set by the operator's own code.
//   - mountpathsError: the target's local config as target.NewTargetCM renders it (internal/
//     resources/aistore/target/configmap.go), its fspaths judged with AIStore's own ValidateMpath
//     and IsNestedMpath (github.com/NVIDIA/aistore cmn/config.go), in the order FSPConf.Validate
//     applies them when a target starts (Validate itself needs a daemon's private config role).
//   - create / update: AIStoreWebhook.ValidateCreate / ValidateUpdate (internal/webhook/aistore/
//     v1beta1/aistore_webhook.go) against a fake client holding the given nodes and storage
//     classes. The webhook sees the CR as submitted (empty status), as in a real admission.
//   - specError: AIStore.ValidateSpec (api/aistore/v1beta1/aistore_validation.go) alone, the
//     spec-only checks the webhook's create and update run first and the controller's
//     reconcileResources runs on every reconcile, refusing to deploy the CR while they fail
//     (with or without the webhook installed). Its warnings are left out.
//   - resourcesSync: per daemon, whether the operator would roll out its StatefulSet again right
//     after creating it, for its containers' resources alone: the pod template target.NewTargetSS /
//     proxy.NewProxyStatefulSet render (the operator's desired one) is sent through JSON as the
//     apiserver receives it, and every container's limits and requests are rounded up to whole
//     milli-units as the apiserver's defaulting stores them (core/v1 SetDefaults_ResourceList:
//     Quantity.RoundUp(-3); k8s.io/kubernetes is not in the operator's go.mod, so the same call is
//     made here); then shouldUpdatePodTemplate(desired, stored), which handleTargetState and
//     handleProxyState ask on every reconcile. Nothing else differs between the two templates, so
//     an update is for the resources.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	aiscmn "github.com/NVIDIA/aistore/cmn"
	aisv1 "github.com/ais-operator/api/aistore/v1beta1"
	aisclient "github.com/ais-operator/internal/client"
	ctrlais "github.com/ais-operator/internal/controller/aistore"
	opcmn "github.com/ais-operator/internal/resources/aistore/cmn"
	"github.com/ais-operator/internal/resources/aistore/proxy"
	"github.com/ais-operator/internal/resources/aistore/target"
	aiswebhook "github.com/ais-operator/internal/webhook/aistore/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

type request struct {
	ID             string         `json:"id"`
	CR             *aisv1.AIStore `json:"cr"`
	Old            *aisv1.AIStore `json:"old,omitempty"`
	Nodes          []corev1.Node  `json:"nodes"`
	StorageClasses []string       `json:"storageClasses"`
}

type verdict struct {
	Allowed  bool     `json:"allowed"`
	Error    string   `json:"error,omitempty"`
	Warnings []string `json:"warnings"`
}

type response struct {
	ID                  string              `json:"id"`
	Error               string              `json:"error,omitempty"`
	TargetSize          int32               `json:"targetSize"`
	TargetAutoScaling   bool                `json:"targetAutoScaling"`
	ExpectedTargetNodes []string            `json:"expectedTargetNodes"`
	StatefulSet         *appsv1.StatefulSet `json:"statefulSet,omitempty"`
	MountpathsError     string              `json:"mountpathsError,omitempty"`
	Create              *verdict            `json:"create,omitempty"`
	Update              *verdict            `json:"update,omitempty"`
	SpecError           string              `json:"specError,omitempty"`
	ResourcesSync       map[string]*inSync  `json:"resourcesSync,omitempty"`
}

type inSync struct {
	Update bool   `json:"update"`
	Reason string `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"`
}

// storedTemplate: the pod template as the apiserver stores it, for its containers' resources: through
// JSON, then each limit and request rounded up to whole milli-units (SetDefaults_ResourceList).
func storedTemplate(desired *corev1.PodTemplateSpec) (*corev1.PodTemplateSpec, error) {
	raw, err := json.Marshal(desired)
	if err != nil {
		return nil, err
	}
	stored := &corev1.PodTemplateSpec{}
	if err := json.Unmarshal(raw, stored); err != nil {
		return nil, err
	}
	for _, containers := range [][]corev1.Container{stored.Spec.InitContainers, stored.Spec.Containers} {
		for i := range containers {
			for _, list := range []corev1.ResourceList{containers[i].Resources.Limits, containers[i].Resources.Requests} {
				for name, q := range list {
					q.RoundUp(-3)
					list[name] = q
				}
			}
		}
	}
	return stored, nil
}

// syncOf: would the operator update the StatefulSet whose template render() gives, once stored?
func syncOf(render func() *appsv1.StatefulSet) (res *inSync) {
	res = &inSync{}
	defer func() {
		if r := recover(); r != nil {
			res = &inSync{Error: fmt.Sprint("rendering panicked: ", r)}
		}
	}()
	desired := render().Spec.Template
	stored, err := storedTemplate(&desired)
	if err != nil {
		return &inSync{Error: err.Error()}
	}
	res.Update, res.Reason = ctrlais.AISGuardOracleShouldUpdatePodTemplate(&desired, stored)
	return res
}

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	must(clientgoscheme.AddToScheme(s))
	must(aisv1.AddToScheme(s))
	return s
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "aisguard-oracle:", err)
		os.Exit(2)
	}
}

func newClient(s *runtime.Scheme, req *request) client.Client {
	objs := make([]client.Object, 0, len(req.Nodes)+len(req.StorageClasses))
	for i := range req.Nodes {
		objs = append(objs, req.Nodes[i].DeepCopy())
	}
	for _, name := range req.StorageClasses {
		objs = append(objs, &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Provisioner: "example.com/none"})
	}
	return fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
}

func toVerdict(warnings []string, err error) *verdict {
	v := &verdict{Allowed: err == nil, Warnings: warnings}
	if v.Warnings == nil {
		v.Warnings = []string{}
	}
	if err != nil {
		v.Error = err.Error()
	}
	return v
}

func answer(ctx context.Context, s *runtime.Scheme, req *request) (res response) {
	res.ID = req.ID
	if req.CR == nil {
		res.Error = "no cr"
		return
	}
	c := newClient(s, req)
	hook := &aiswebhook.AIStoreWebhook{Client: c}

	// The webhook runs first in reality, on the CR as submitted; it may mutate its argument
	// (ValidateUpdate rewrites prev), so each call gets its own copy.
	res.Create = toVerdict(hook.ValidateCreate(ctx, req.CR.DeepCopy()))
	if req.Old != nil {
		res.Update = toVerdict(hook.ValidateUpdate(ctx, req.Old.DeepCopy(), req.CR.DeepCopy()))
	}
	if _, err := req.CR.DeepCopy().ValidateSpec(ctx); err != nil {
		res.SpecError = err.Error()
	}

	// Size and rendering need the specs the operator would read; a nil spec.size with no
	// targetSpec.size would make GetTargetSize dereference nil, which the webhook rejects anyway.
	ais := req.CR.DeepCopy()
	if !ais.IsTargetAutoScaling() && ais.Spec.TargetSpec.Size == nil && ais.Spec.Size == nil {
		res.Error = "no size: operator would not render"
		return
	}
	res.TargetAutoScaling = ais.IsTargetAutoScaling()
	res.ExpectedTargetNodes = []string{}
	if ais.IsTargetAutoScaling() {
		names, err := ctrlais.AISGuardOracleMatchingNodeNames(ctx, c, s, ais.Spec.TargetSpec.NodeSelector, ais.Spec.TargetSpec.Tolerations)
		if err != nil {
			res.Error = "listing nodes: " + err.Error()
			return
		}
		ais.Status.AutoScaleStatus.ExpectedTargetNodes = names
		res.ExpectedTargetNodes = names
	}
	res.TargetSize = ais.GetTargetSize()

	ss := target.NewTargetSS(ais, ais.GetTargetSize())
	if _, err := aisclient.NewClient(c, s).CreateResourceIfNotExists(ctx, ais, ss); err != nil {
		res.Error = "creating statefulset: " + err.Error()
		return
	}
	created := &appsv1.StatefulSet{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(ss), created); err != nil {
		res.Error = "reading statefulset: " + err.Error()
		return
	}
	created.APIVersion, created.Kind = "apps/v1", "StatefulSet"
	created.ResourceVersion = ""
	res.StatefulSet = created
	res.MountpathsError = mountpathsError(ais)
	res.ResourcesSync = map[string]*inSync{
		"target": syncOf(func() *appsv1.StatefulSet { return target.NewTargetSS(ais, ais.GetTargetSize()) }),
		"proxy":  syncOf(func() *appsv1.StatefulSet { return proxy.NewProxyStatefulSet(ais, ais.GetProxySize()) }),
	}
	return
}

// mountpathsError: what a target says of the mountpaths its local config gives it, "" when none.
func mountpathsError(ais *aisv1.AIStore) string {
	cm, err := target.NewTargetCM(ais)
	if err != nil {
		return "rendering the config map: " + err.Error()
	}
	var conf aiscmn.LocalConfig
	if err := json.Unmarshal([]byte(cm.Data[opcmn.AISLocalConfigName]), &conf); err != nil {
		return "reading the local config: " + err.Error()
	}
	clean := map[string]bool{}
	for fspath := range conf.FSP.Paths {
		mpath, err := aiscmn.ValidateMpath(fspath)
		if err != nil {
			return err.Error()
		}
		for other := range clean {
			if other == mpath {
				return fmt.Sprintf("%q (%q) is duplicated", mpath, fspath)
			}
			if err := aiscmn.IsNestedMpath(mpath, len(mpath), other); err != nil {
				return err.Error()
			}
		}
		clean[mpath] = true
	}
	return ""
}

// decodedFields: every field below t whose value the operator's decoder can refuse though the CRD
// took it, as "path kind" (path in JSON names from prefix, "[]" for a list's items and "{}" for a
// map's values). Kinds: an integer's Go kind; "int-or-string" for an intstr.IntOrString, whose
// number is an int32; "duration" for text time.ParseDuration reads (the operator's Duration,
// metav1.Duration); "size-iec" for text AIStore's cos.ParseSize reads (SizeIEC). Any other type that
// decodes itself (Quantity, whose syntax the CRD's pattern holds) is left out, and so is a type
// already on the path.
func decodedFields(t reflect.Type, prefix string, onPath map[reflect.Type]bool) []string {
	switch t {
	case reflect.TypeOf(intstr.IntOrString{}):
		return []string{prefix + " int-or-string"}
	case reflect.TypeOf(aisv1.Duration(0)), reflect.TypeOf(metav1.Duration{}):
		return []string{prefix + " duration"}
	case reflect.TypeOf(aisv1.SizeIEC(0)):
		return []string{prefix + " size-iec"}
	}
	if reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return decodedFields(t.Elem(), prefix, onPath)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // []byte is base64 text
		}
		return decodedFields(t.Elem(), prefix+"[]", onPath)
	case reflect.Map:
		return decodedFields(t.Elem(), prefix+"{}", onPath)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return []string{prefix + " " + t.Kind().String()}
	case reflect.Struct:
		if onPath[t] {
			return nil
		}
		onPath[t] = true
		defer delete(onPath, t)
		var out []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-" || !f.IsExported():
			case name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
				out = append(out, decodedFields(f.Type, prefix, onPath)...)
			case name == "":
				out = append(out, decodedFields(f.Type, prefix+"."+f.Name, onPath)...)
			default:
				out = append(out, decodedFields(f.Type, prefix+"."+name, onPath)...)
			}
		}
		return out
	}
	return nil
}

// decodeErrors: for each CR, the error the operator's client meets decoding it ("" when none), through
// the scheme's own deserializer, as its informer reads AIStores from the apiserver.
func decodeErrors(s *runtime.Scheme, crs []json.RawMessage) []string {
	decoder := serializer.NewCodecFactory(s).UniversalDeserializer()
	out := make([]string, len(crs))
	for i, raw := range crs {
		if _, _, err := decoder.Decode(raw, nil, &aisv1.AIStore{}); err != nil {
			out[i] = err.Error()
		}
	}
	return out
}

// jsonFields: the JSON names of a struct type's fields as encoding/json reads them, an embedded
// struct without a name of its own (`json:",inline"`) flattened into its parent.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
			out = append(out, jsonFields(f.Type)...)
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	return out
}

func main() {
	// `aisguard-oracle fields`: the spec sections' field names, for the guard's lists of fixed and
	// mutable fields to be compared with.
	if len(os.Args) > 1 && os.Args[1] == "fields" {
		must(json.NewEncoder(os.Stdout).Encode(map[string][]string{
			"proxySpec":  jsonFields(reflect.TypeOf(aisv1.AIStoreSpec{}.ProxySpec)),
			"targetSpec": jsonFields(reflect.TypeOf(aisv1.AIStoreSpec{}.TargetSpec)),
		}))
		return
	}
	// `aisguard-oracle decoded`: the fields of the spec the decoder judges, and how (decodedFields).
	if len(os.Args) > 1 && os.Args[1] == "decoded" {
		must(json.NewEncoder(os.Stdout).Encode(decodedFields(reflect.TypeOf(aisv1.AIStoreSpec{}), "spec", map[reflect.Type]bool{})))
		return
	}
	ctx := context.Background()
	s := newScheme()
	// `aisguard-oracle decode`: a JSON list of CRs in, the list of their decoding errors out.
	if len(os.Args) > 1 && os.Args[1] == "decode" {
		var crs []json.RawMessage
		must(json.NewDecoder(os.Stdin).Decode(&crs))
		must(json.NewEncoder(os.Stdout).Encode(decodeErrors(s, crs)))
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		var req request
		var res response
		if err := json.Unmarshal(line, &req); err != nil {
			res = response{Error: "bad input line: " + err.Error()}
		} else {
			res = answer(ctx, s, &req)
		}
		must(enc.Encode(&res))
		// One answer per line, flushed at once: the caller may wait for each reply.
		must(out.Flush())
	}
	must(in.Err())
}
