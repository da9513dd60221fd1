package main

import "context"

// provider is what the steps need from either protocol version; provider5.go and provider6.go
// adapt the generated clients, whose message names differ between the versions.
type provider interface {
	schema(ctx context.Context) (*providerSchema, error)
	validateProvider(ctx context.Context, config []byte) ([]diagnostic, error)
	configure(ctx context.Context, config []byte) ([]diagnostic, error)
	validateData(ctx context.Context, typeName string, config []byte) ([]diagnostic, error)
	readData(ctx context.Context, typeName string, config []byte) ([]byte, []diagnostic, error)
	stop(ctx context.Context) (string, error)
}

// The version Terraform reports to Configure; the provider must not depend on it.
const terraformVersion = "1.11.0"
