package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// attribute is one schema attribute as the provider announced it, its type parsed by cty.
type attribute struct {
	Name        string          `json:"name"`
	Type        json.RawMessage `json:"type"`
	Description string          `json:"description,omitempty"`
	Required    bool            `json:"required"`
	Optional    bool            `json:"optional"`
	Computed    bool            `json:"computed"`
	Sensitive   bool            `json:"sensitive"`
	Deprecated  bool            `json:"deprecated"`
	ty          cty.Type
	typeErr     error
}

func newAttribute(name string, typeJSON []byte) attribute {
	a := attribute{Name: name, Type: json.RawMessage(append([]byte(nil), typeJSON...))}
	a.ty, a.typeErr = ctyjson.UnmarshalType(typeJSON)
	if a.typeErr != nil {
		// Kept printable: the schema test reports the bad type instead of the client failing.
		a.Type, _ = json.Marshal(string(typeJSON))
	}
	return a
}

// schemaBlock is a schema as printed: its version, attributes and nested block type names.
type schemaBlock struct {
	Version    int64       `json:"version"`
	Attributes []attribute `json:"attributes"`
	BlockTypes []string    `json:"block_types"`
	TypeErrors []string    `json:"type_errors,omitempty"`
	attrs      []attribute
}

type providerSchema struct {
	Provider    schemaBlock            `json:"provider"`
	DataSources map[string]schemaBlock `json:"data_sources"`
	Resources   []string               `json:"resources"`
	Diagnostics []diagnostic           `json:"diagnostics"`
}

func finishBlock(b *schemaBlock) {
	b.attrs = b.Attributes
	for _, a := range b.Attributes {
		if a.typeErr != nil {
			b.TypeErrors = append(b.TypeErrors, fmt.Sprintf("%s: %v", a.Name, a.typeErr))
		}
	}
	if b.Attributes == nil {
		b.Attributes = []attribute{}
	}
	if b.BlockTypes == nil {
		b.BlockTypes = []string{}
	}
	sort.Strings(b.BlockTypes)
}

// encodeConfig builds the config object Terraform would send: every schema attribute present,
// null where the script gives no value, unknown where it says so, then msgpack-encoded by cty
// with the object's type (the schema's implied type unless the script overrides a type).
func encodeConfig(attrs []attribute, st step) ([]byte, error) {
	if st.Msgpack != nil {
		return st.Msgpack, nil
	}
	types := map[string]cty.Type{}
	for _, a := range attrs {
		if a.typeErr != nil {
			return nil, fmt.Errorf("attribute %s has an unusable type: %v", a.Name, a.typeErr)
		}
		types[a.Name] = a.ty
	}
	for name, raw := range st.Types {
		ty, err := ctyjson.UnmarshalType(raw)
		if err != nil {
			return nil, fmt.Errorf("type of %s: %v", name, err)
		}
		types[name] = ty
	}
	unknown := map[string]bool{}
	for _, name := range st.Unknown {
		if _, ok := types[name]; !ok {
			return nil, fmt.Errorf("unknown attribute %s is not in the schema", name)
		}
		unknown[name] = true
	}
	vals := map[string]cty.Value{}
	for name, ty := range types {
		raw, given := st.Config[name]
		switch {
		case unknown[name]:
			vals[name] = cty.UnknownVal(ty)
		case given:
			v, err := ctyjson.Unmarshal(raw, ty)
			if err != nil {
				return nil, fmt.Errorf("value of %s: %v", name, err)
			}
			vals[name] = v
		default:
			vals[name] = cty.NullVal(ty)
		}
	}
	for name := range st.Config {
		if _, ok := types[name]; !ok {
			return nil, fmt.Errorf("attribute %s is not in the schema; give its type in types", name)
		}
	}
	obj := cty.EmptyObjectVal
	if len(vals) > 0 {
		obj = cty.ObjectVal(vals)
	}
	return ctymsgpack.Marshal(obj, obj.Type())
}

// decodeState decodes a returned state with the schema's implied type, as Terraform does, and
// re-encodes it as JSON for the test.
func decodeState(attrs []attribute, state []byte) (json.RawMessage, error) {
	if state == nil {
		return json.RawMessage("null"), nil
	}
	types := map[string]cty.Type{}
	for _, a := range attrs {
		types[a.Name] = a.ty
	}
	ty := cty.Object(types)
	v, err := ctymsgpack.Unmarshal(state, ty)
	if err != nil {
		return nil, fmt.Errorf("state does not decode as the schema's type: %v", err)
	}
	if !v.IsWhollyKnown() {
		return nil, fmt.Errorf("state holds unknown values")
	}
	b, err := ctyjson.Marshal(v, ty)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(b), nil
}

// diagnostic is one diagnostic as printed; Path renders the attribute path like Terraform
// (snippets[1]).
type diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Path     string `json:"path,omitempty"`
}

type pathStep struct {
	attribute string
	keyString *string
	keyInt    *int64
}

func renderPath(steps []pathStep) string {
	out := ""
	for _, s := range steps {
		switch {
		case s.keyString != nil:
			out += fmt.Sprintf("[%q]", *s.keyString)
		case s.keyInt != nil:
			out += fmt.Sprintf("[%d]", *s.keyInt)
		default:
			if out != "" {
				out += "."
			}
			out += s.attribute
		}
	}
	return out
}
