package main

import (
	"context"

	"google.golang.org/grpc"
	proto "kindling.local/terraform/tfplugin6"
)

type provider6 struct{ c proto.ProviderClient }

func newProvider6(conn *grpc.ClientConn) provider {
	return &provider6{c: proto.NewProviderClient(conn)}
}

func (p *provider6) schema(ctx context.Context) (*providerSchema, error) {
	res, err := p.c.GetProviderSchema(ctx, &proto.GetProviderSchema_Request{})
	if err != nil {
		return nil, err
	}
	out := &providerSchema{Provider: block6(res.Provider), DataSources: map[string]schemaBlock{}, Resources: []string{}, Diagnostics: diags6(res.Diagnostics)}
	for name, s := range res.DataSourceSchemas {
		out.DataSources[name] = block6(s)
	}
	for name := range res.ResourceSchemas {
		out.Resources = append(out.Resources, name)
	}
	return out, nil
}

func block6(s *proto.Schema) schemaBlock {
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

func (p *provider6) validateProvider(ctx context.Context, config []byte) ([]diagnostic, error) {
	res, err := p.c.ValidateProviderConfig(ctx, &proto.ValidateProviderConfig_Request{Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	return diags6(res.Diagnostics), nil
}

func (p *provider6) configure(ctx context.Context, config []byte) ([]diagnostic, error) {
	res, err := p.c.ConfigureProvider(ctx, &proto.ConfigureProvider_Request{TerraformVersion: terraformVersion, Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	return diags6(res.Diagnostics), nil
}

func (p *provider6) validateData(ctx context.Context, typeName string, config []byte) ([]diagnostic, error) {
	res, err := p.c.ValidateDataResourceConfig(ctx, &proto.ValidateDataResourceConfig_Request{TypeName: typeName, Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, err
	}
	return diags6(res.Diagnostics), nil
}

func (p *provider6) readData(ctx context.Context, typeName string, config []byte) ([]byte, []diagnostic, error) {
	res, err := p.c.ReadDataSource(ctx, &proto.ReadDataSource_Request{TypeName: typeName, Config: &proto.DynamicValue{Msgpack: config}})
	if err != nil {
		return nil, nil, err
	}
	var state []byte
	if res.State != nil {
		state = res.State.Msgpack
	}
	return state, diags6(res.Diagnostics), nil
}

func (p *provider6) stop(ctx context.Context) (string, error) {
	res, err := p.c.StopProvider(ctx, &proto.StopProvider_Request{})
	if err != nil {
		return "", err
	}
	return res.Error, nil
}

func diags6(in []*proto.Diagnostic) []diagnostic {
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
