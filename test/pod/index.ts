// The pod test bed: local "pods" on real kernel namespaces for doppel's end-to-end tests. See README.md.
export type { Backend } from "./backend.ts";
export type { CommandOptions, CommandResult } from "./command.ts";
export type { DnsServer } from "./dns.ts";
export { TestBedError, TestBedErrorCode } from "./errors.ts";
export type { HttpAppStats } from "./http-app.ts";
export { bedRanges, stateRoot } from "./layout.ts";
export { findLeftovers, isRunning } from "./leftovers.ts";
export type { Pod, PodExecOptions, PodOptions } from "./pod.ts";
export { createTestBed, type TestBed } from "./testbed.ts";
