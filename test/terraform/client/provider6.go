package main

import (
	"context"

	"github.com/golang/protobuf/proto"
	"google.golang.org/grpc"
	v5 "kindling.local/terraform/tfplugin5"
	v6 "kindling.local/terraform/tfplugin6"
)

// provider6 calls the tfplugin6 service through its generated client. Protocol 6 keeps protocol
// 5's field numbers in every message read here (schemas, diagnostics, dynamic values), so each
// response is decoded again as its protocol 5 twin and both versions share one conversion.
type provider6 struct{ c v6.ProviderClient }

func newProvider6(conn *grpc.ClientConn) provider { return &provider6{c: v6.NewProviderClient(conn)} }

func recast(from, to proto.Message) error {
	b, err := proto.Marshal(from)
	if err != nil {
		return err
	}
	return proto.Unmarshal(b, to)
}

func (p *provider6) schema(ctx context.Context) (*providerSchema, error) {
	res, err := p.c.GetProviderSchema(ctx, &v6.GetProviderSchema_Request{})
	if err != nil {
		return nil, err
	}
	var same v5.GetProviderSchema_Response
	if err := recast(res, &same); err != nil {
		return nil, err
	}
	return schemaOf(&same), nil
}

func (p *provider6) validateProvider(ctx context.Context, config []byte) ([]diagnostic, error) {
	res, err := p.c.ValidateProviderConfig(ctx, &v6.ValidateProviderConfig_Request{Config: &v6.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	var same v5.PrepareProviderConfig_Response
	return diagsOf(res, &same, func() []*v5.Diagnostic { return same.Diagnostics })
}

func (p *provider6) configure(ctx context.Context, config []byte) ([]diagnostic, error) {
	res, err := p.c.ConfigureProvider(ctx, &v6.ConfigureProvider_Request{TerraformVersion: terraformVersion, Config: &v6.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	var same v5.Configure_Response
	return diagsOf(res, &same, func() []*v5.Diagnostic { return same.Diagnostics })
}

func (p *provider6) validateData(ctx context.Context, typeName string, config []byte) ([]diagnostic, error) {
	res, err := p.c.ValidateDataResourceConfig(ctx, &v6.ValidateDataResourceConfig_Request{TypeName: typeName, Config: &v6.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	var same v5.ValidateDataSourceConfig_Response
	return diagsOf(res, &same, func() []*v5.Diagnostic { return same.Diagnostics })
}

func (p *provider6) readData(ctx context.Context, typeName string, config []byte) ([]byte, []diagnostic, error) {
	res, err := p.c.ReadDataSource(ctx, &v6.ReadDataSource_Request{TypeName: typeName, Config: &v6.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, nil, err
	}
	var same v5.ReadDataSource_Response
	diags, err := diagsOf(res, &same, func() []*v5.Diagnostic { return same.Diagnostics })
	if err != nil {
		return nil, nil, err
	}
	var state []byte
	if res.State != nil {
		state = res.State.Msgpack
	}
	return state, diags, nil
}

func (p *provider6) stop(ctx context.Context) (string, error) {
	res, err := p.c.StopProvider(ctx, &v6.StopProvider_Request{})
	if err != nil {
		return "", err
	}
	return res.Error, nil
}

func diagsOf(res, same proto.Message, diagnostics func() []*v5.Diagnostic) ([]diagnostic, error) {
	if err := recast(res, same); err != nil {
		return nil, err
	}
	return diags5(diagnostics()), nil
}
