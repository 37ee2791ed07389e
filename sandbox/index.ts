/**
 * The sandbox: stateful simulators of the two upstream APIs, for tests, `npm start` and benchmarks.
 * Not part of the worker bundle: nothing under src/ imports it (architecture.md). Node-only helpers
 * (serve.ts) are deliberately not re-exported here, so this entry runs inside workerd.
 */
export type { CallFilter, CallLog, RecordedCall } from "./call-log";
export {
  createManualClock,
  DAY,
  HOUR,
  instantSleep,
  type ManualClock,
  MINUTE,
  type Now,
  realSleep,
  SECOND,
  type Sleep,
} from "./clock";
export type { CloudflareCredential } from "./cloudflare/auth";
export { CF_CODES } from "./cloudflare/errors";
export { DEFAULT_TIMINGS } from "./cloudflare/lifecycle";
export {
  CERTIFICATE_AUTHORITIES,
  PACK_STATUSES,
  PACK_TYPES,
  type PackStatus,
  type PackType,
  type Timings,
  VALIDATION_METHODS,
  VALIDITY_DAYS,
  type ZoneConfig,
} from "./cloudflare/model";
export {
  CLOUDFLARE_REQUESTS_PER_5MIN,
  cloudflareRateLimit,
  type RateLimitOptions,
} from "./cloudflare/rate-limit";
export type { WireCertificate, WirePack, WireShape } from "./cloudflare/render";
export type { PackSeed } from "./cloudflare/seed";
export {
  type CloudflareSimulator,
  type CloudflareSimulatorOptions,
  createCloudflareSimulator,
  DEFAULT_CLOUDFLARE_TOKEN,
} from "./cloudflare/simulator";
export * from "./demo";
export type { ActiveFaultRule, Fault, FaultInjector, FaultKind, FaultRule } from "./faults";
export type { GjirafaApiKey } from "./gjirafa/auth";
export { GJIRAFA_STATUS, type ProjectConfig, SCOPE_OPTIONS } from "./gjirafa/model";
export type { GjirafaShape } from "./gjirafa/render";
export type { PagingBehaviour } from "./gjirafa/routes";
export {
  SAMPLE_CERTIFICATE,
  SAMPLE_CHAIN,
  SAMPLE_EXPIRED_CERTIFICATE,
  SAMPLE_PRIVATE_KEY,
} from "./gjirafa/sample-certificates";
export type { GjirafaCertificateSeed } from "./gjirafa/seed";
export {
  createGjirafaSimulator,
  DEFAULT_GJIRAFA_API_KEY,
  type GjirafaDetail,
  type GjirafaListItem,
  type GjirafaSimulator,
  type GjirafaSimulatorOptions,
} from "./gjirafa/simulator";
export { FAIL_DOMAIN, STALL_DOMAIN, TIMEOUT_DOMAIN, type ValidationBehaviour } from "./hostnames";
export type { PathPattern } from "./path-pattern";
export type { SimulatorFetch } from "./pipeline";
