// kubectl's YAML reading, for test/yaml-oracle: kubectl apply -f turns each YAML document into JSON
// with sigs.k8s.io/yaml's YAMLToJSON (apimachinery util/yaml YAMLOrJSONDecoder), go-yaml v2 inside.
// stdin: a JSON array of YAML documents; stdout: a JSON array, for each {"json": text} or {"error": text}.
package main

import (
	"encoding/json"
	"os"

	"sigs.k8s.io/yaml"
)

type reading struct {
	JSON  *string `json:"json,omitempty"`
	Error string  `json:"error,omitempty"`
}

func main() {
	var docs []string
	if err := json.NewDecoder(os.Stdin).Decode(&docs); err != nil {
		os.Stderr.WriteString("kubectl-yaml: stdin is not a JSON array of strings: " + err.Error() + "\n")
		os.Exit(2)
	}
	out := make([]reading, len(docs))
	for i, doc := range docs {
		if j, err := yaml.YAMLToJSON([]byte(doc)); err != nil {
			out[i].Error = err.Error()
		} else {
			text := string(j)
			out[i].JSON = &text
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(2)
	}
}
