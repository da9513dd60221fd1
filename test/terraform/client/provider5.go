package main

import (
	"context"

	"google.golang.org/grpc"
	proto "kindling.local/terraform/tfplugin5"
)

type provider5 struct{ c proto.ProviderClient }

func newProvider5(conn *grpc.ClientConn) provider {
	return &provider5{c: proto.NewProviderClient(conn)}
}

func (p *provider5) schema(ctx context.Context) (*providerSchema, error) {
	res, err := p.c.GetSchema(ctx, &proto.GetProviderSchema_Request{})
	if err != nil {
		return nil, err
	}
	return schemaOf(res), nil
}

func schemaOf(res *proto.GetProviderSchema_Response) *providerSchema {
	out := &providerSchema{Provider: block5(res.Provider), DataSources: map[string]schemaBlock{}, Resources: []string{}, Diagnostics: diags5(res.Diagnostics)}
	for name, s := range res.DataSourceSchemas {
		out.DataSources[name] = block5(s)
	}
	for name := range res.ResourceSchemas {
		out.Resources = append(out.Resources, name)
	}
	return out
}

func block5(s *proto.Schema) schemaBlock {
	b := schemaBlock{}
	if s != nil {
		b.Version = s.Version
		if s.Block != nil {
			for _, a := range s.Block.Attributes {
				attr := newAttribute(a.Name, a.Type)
				attr.Description, attr.Required, attr.Optional, attr.Computed, attr.Sensitive, attr.Deprecated = a.Description, a.Required, a.Optional, a.Computed, a.Sensitive, a.Deprecated
				b.Attributes = append(b.Attributes, attr)
			}
			for _, n := range s.Block.BlockTypes {
				b.BlockTypes = append(b.BlockTypes, n.TypeName)
			}
		}
	}
	finishBlock(&b)
	return b
}

func (p *provider5) validateProvider(ctx context.Context, config []byte) ([]diagnostic, error) {
	res, err := p.c.PrepareProviderConfig(ctx, &proto.PrepareProviderConfig_Request{Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	return diags5(res.Diagnostics), nil
}

func (p *provider5) configure(ctx context.Context, config []byte) ([]diagnostic, error) {
	res, err := p.c.Configure(ctx, &proto.Configure_Request{TerraformVersion: terraformVersion, Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	return diags5(res.Diagnostics), nil
}

func (p *provider5) validateData(ctx context.Context, typeName string, config []byte) ([]diagnostic, error) {
	res, err := p.c.ValidateDataSourceConfig(ctx, &proto.ValidateDataSourceConfig_Request{TypeName: typeName, Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	return diags5(res.Diagnostics), nil
}

func (p *provider5) readData(ctx context.Context, typeName string, config []byte) ([]byte, []diagnostic, error) {
	res, err := p.c.ReadDataSource(ctx, &proto.ReadDataSource_Request{TypeName: typeName, Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, nil, err
	}
	var state []byte
	if res.State != nil {
		state = res.State.Msgpack
	}
	return state, diags5(res.Diagnostics), nil
}

func (p *provider5) stop(ctx context.Context) (string, error) {
	res, err := p.c.Stop(ctx, &proto.Stop_Request{})
	if err != nil {
		return "", err
	}
	return res.Error, nil
}

func diags5(in []*proto.Diagnostic) []diagnostic {
	out := []diagnostic{}
	for _, d := range in {
		var steps []pathStep
		if d.Attribute != nil {
			for _, s := range d.Attribute.Steps {
				switch sel := s.Selector.(type) {
				case *proto.AttributePath_Step_AttributeName:
					steps = append(steps, pathStep{attribute: sel.AttributeName})
				case *proto.AttributePath_Step_ElementKeyString:
					k := sel.ElementKeyString
					steps = append(steps, pathStep{keyString: &k})
				case *proto.AttributePath_Step_ElementKeyInt:
					k := sel.ElementKeyInt
					steps = append(steps, pathStep{keyInt: &k})
				}
			}
		}
		out = append(out, diagnostic{Severity: severityName(int32(d.Severity)), Summary: d.Summary, Detail: d.Detail, Path: renderPath(steps)})
	}
	return out
}

func severityName(s int32) string {
	switch s {
	case 1:
		return "error"
	case 2:
		return "warning"
	}
	return "invalid"
}
