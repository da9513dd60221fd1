// The gRPC server of the provider (the only module that imports @grpc/grpc-js). Services are
// looked up by their full protobuf name in the tables compiled from src/terraform/proto
// (descriptors.gen.ts) and their messages go through our own codec (protobuf.ts), so no .proto file
// is read and no descriptor is processed at run time. Handlers are plain async functions over
// plain records (snake_case field names, enums as numbers, bytes as Buffers); a handler that
// throws answers with gRPC status INTERNAL instead of taking the process down.

import * as grpc from '@grpc/grpc-js';
import * as generated from './proto/descriptors.gen.ts';
import { decodeMessage, encodeMessage, type MessageTable, type ServiceTable } from './protobuf.ts';

const PROTO_MESSAGES: MessageTable = generated.PROTO_MESSAGES;
const PROTO_SERVICES: ServiceTable = generated.PROTO_SERVICES;

export type Message = Record<string, unknown>;
export type UnaryHandler = (request: Message) => Message | Promise<Message>;

/** A streaming method that is accepted and held open, silent, until the server stops. */
export const HOLD_OPEN = Symbol('hold-open');

export type ServiceHandlers = Record<string, UnaryHandler | typeof HOLD_OPEN>;

export interface GrpcServerOptions {
  /** Absolute path of the unix socket to listen on. */
  socketPath: string;
  keyPem: string;
  certPem: string;
  /** The only certificate authority accepted for clients: the client's own certificate. */
  clientCaPem: string;
  services: Record<string, ServiceHandlers>;
  /** Called with what went wrong in a handler (the client sees status INTERNAL). */
  onHandlerError: (method: string, error: unknown) => void;
}

export interface RunningServer {
  /**
   * Ends the held-open streams, lets answered calls flush (the reply to Shutdown must reach the
   * client), then closes every connection and the socket; forced after STOP_GRACE_MS.
   */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 2_000;

function serviceDefinition(name: string): grpc.ServiceDefinition {
  const methods = PROTO_SERVICES[name];
  if (methods === undefined) throw new Error(`no service ${name} in the protocol files`);
  const definition: Record<string, grpc.MethodDefinition<Message, Message>> = {};
  for (const [method, spec] of Object.entries(methods)) {
    const codec = (type: string) => ({
      serialize: (value: Message) => encodeMessage(PROTO_MESSAGES, type, value),
      deserialize: (bytes: Buffer) => decodeMessage(PROTO_MESSAGES, type, bytes),
    });
    const request = codec(spec.input);
    const response = codec(spec.output);
    definition[method] = {
      path: `/${name}/${method}`,
      requestStream: spec.clientStreaming,
      responseStream: spec.serverStreaming,
      requestSerialize: request.serialize,
      requestDeserialize: request.deserialize,
      responseSerialize: response.serialize,
      responseDeserialize: response.deserialize,
    };
  }
  return definition;
}

function unary(method: string, handler: UnaryHandler, onError: GrpcServerOptions['onHandlerError']): grpc.handleUnaryCall<Message, Message> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          onError(method, error);
          callback({ code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) });
        },
      );
  };
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningServer> {
  // Configs embed whole files: no message size limit beyond what the client sends.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const held = new Set<grpc.ServerWritableStream<Message, Message> | grpc.ServerDuplexStream<Message, Message>>();
  for (const [serviceName, handlers] of Object.entries(options.services)) {
    const definition = serviceDefinition(serviceName);
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlers)) {
      if (definition[method] === undefined) throw new Error(`no method ${serviceName}/${method}`);
      implementation[method] =
        handler === HOLD_OPEN
          ? (call: grpc.ServerWritableStream<Message, Message> | grpc.ServerDuplexStream<Message, Message>) => {
              // Inbound messages (the broker's) are read and dropped; the call ends with the server.
              held.add(call);
              call.on('data', () => undefined);
              call.on('error', () => undefined);
              call.on('close', () => held.delete(call));
            }
          : unary(`${serviceName}/${method}`, handler, options.onHandlerError);
    }
    server.addService(definition, implementation);
  }
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(options.clientCaPem),
    [{ private_key: Buffer.from(options.keyPem), cert_chain: Buffer.from(options.certPem) }],
    true,
  );
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${options.socketPath}`, credentials, (error) => (error === null ? resolve() : reject(error)));
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        for (const call of held) call.end();
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, STOP_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
