// The resource package's public surface, for stages, providers and the engine.
export { fetchAll, fetchResource, fetchToBuffer, closeFetchContext, defaultConcurrency, type FetchOptions } from './fetch.ts';
export { contextForConfig, type IgnitionFetchSettings } from './ca.ts';
export { createFetchContext, timeoutsFromConfig, type FetchContext, type Logger, type EndpointName } from './context.ts';
export { redact } from './url.ts';
export type { FetchedFile, Resource, ResourceRef } from './types.ts';
