// Types for the one export of http-app.mjs the tests share with the app: the gRPC service definition.
import type * as grpc from "@grpc/grpc-js";

export function grpcService(): {
  greet: grpc.MethodDefinition<unknown, unknown>;
  count: grpc.MethodDefinition<unknown, unknown>;
};
