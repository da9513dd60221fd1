// Command goyaml-oracle decodes YAML documents the way Butane does (gopkg.in/yaml.v3's Decoder
// into Go structs) so tests can compare the transpiler's YAML reading with yaml.v3 itself. The
// structs are a slice of Butane's: strings, *int, *bool, []string, nested structs and lists.
// Stdin is a JSON array of documents; stdout a JSON array of {"value": ..., "error": "..."}.
package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

type Contents struct {
	Inline *string `yaml:"inline" json:"inline,omitempty"`
	Source *string `yaml:"source" json:"source,omitempty"`
}

type NodeUser struct {
	ID   *int    `yaml:"id" json:"id,omitempty"`
	Name *string `yaml:"name" json:"name,omitempty"`
}

type File struct {
	Path      string   `yaml:"path" json:"path,omitempty"`
	Mode      *int     `yaml:"mode" json:"mode,omitempty"`
	Overwrite *bool    `yaml:"overwrite" json:"overwrite,omitempty"`
	User      NodeUser `yaml:"user" json:"user"`
	Contents  Contents `yaml:"contents" json:"contents"`
}

type User struct {
	Name   string   `yaml:"name" json:"name,omitempty"`
	Keys   []string `yaml:"ssh_authorized_keys" json:"ssh_authorized_keys,omitempty"`
	Groups []string `yaml:"groups" json:"groups,omitempty"`
	UID    *int     `yaml:"uid" json:"uid,omitempty"`
	Shell  *string  `yaml:"shell" json:"shell,omitempty"`
}

type Config struct {
	Variant string `yaml:"variant" json:"variant,omitempty"`
	Version string `yaml:"version" json:"version,omitempty"`
	Passwd  struct {
		Users []User `yaml:"users" json:"users,omitempty"`
	} `yaml:"passwd" json:"passwd"`
	Storage struct {
		Files []File `yaml:"files" json:"files,omitempty"`
	} `yaml:"storage" json:"storage"`
}

type result struct {
	Value *Config `json:"value,omitempty"`
	Error string  `json:"error,omitempty"`
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var docs []string
	if err := json.Unmarshal(in, &docs); err != nil {
		panic(err)
	}
	out := make([]result, len(docs))
	for i, doc := range docs {
		var c Config
		if err := yaml.NewDecoder(bytes.NewReader([]byte(doc))).Decode(&c); err != nil {
			out[i].Error = err.Error()
		} else {
			out[i].Value = &c
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
