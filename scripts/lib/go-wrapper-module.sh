# Sourced by the gen-gomod.sh scripts that pin one Go tool (test/helm, test/monitoring): regenerate
# the wrapper module its build.sh builds the tool from.
#
#   gen_wrapper_module DIR MODULE VERSION TOOL
#
# DIR/go.mod and go.sum are made anew: `module local/<DIR's name>`, the go line that MODULE@VERSION's
# own go.mod asks for (left in GOV), TOOL@VERSION as a tool dependency, then `go mod tidy`. The
# caller's working directory is DIR afterwards. A wrapper rather than `go install TOOL@VERSION`: its
# go.sum is committed, so every build checks the same hashes of the tool and of each dependency.

gen_wrapper_module() {
  local dir=$1 module=$2 version=$3 tool=$4
  export GOTOOLCHAIN=${GOTOOLCHAIN:-local} GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off
  mkdir -p "$dir"
  rm -f "$dir/go.mod" "$dir/go.sum"
  cd "$dir"
  GOV=$(go mod download -json "$module@$version" | sed -n 's/.*"GoMod": "\([^"]*\)".*/\1/p' | xargs sed -n 's/^go \(.*\)/\1/p')
  printf 'module local/%s\n\ngo %s\n' "$(basename "$dir")" "$GOV" >go.mod
  go get -tool "$tool@$version"
  go mod tidy
}
