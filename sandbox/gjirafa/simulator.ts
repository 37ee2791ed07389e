/**
 * A stateful stand-in for the Gjirafa CDN certificates API (seed 004, domain.md), used as the upstream in
 * tests, `npm start` and benchmarks. A plain fetch handler with no module-level state: runs in workerd and Node.
 *
 *   const gj = createGjirafaSimulator({ apiKeys: [{ key }], projects: [{ id: projectId }] });
 *   await gj.fetch(`https://cdn.example/api/v1/projects/${projectId}/certificates`, { headers: { "X-API-Key": key } });
 */
import { type CallFilter, type CallLog, createCallLog, type RecordedCall } from "../call-log";
import { type Now, realSleep, type Sleep, systemNow } from "../clock";
import { createFaultInjector, type FaultInjector } from "../faults";
import { behaviourOf } from "../hostnames";
import { UUID } from "../ids";
import type { PathPattern } from "../path-pattern";
import { createPipeline, type SimulatorFetch } from "../pipeline";
import type { GjirafaApiKey } from "./auth";
import { gjirafaDialect } from "./envelope";
import { challengeRecords } from "./issue";
import { GJIRAFA_STATUS, type GjirafaCertificate, type Project, type ProjectConfig } from "./model";
import { DEFAULT_GJIRAFA_SHAPE, type GjirafaShape, renderDetail, type renderListItem } from "./render";
import { type GjirafaState, handleGjirafa, type PagingBehaviour } from "./routes";
import { certificateFromSeed, type GjirafaCertificateSeed } from "./seed";

export const DEFAULT_GJIRAFA_API_KEY = "gj-sandbox-key";

export interface GjirafaSimulatorOptions {
  /** Accepted keys. Default: one organization key, DEFAULT_GJIRAFA_API_KEY. */
  apiKeys?: GjirafaApiKey[];
  projects?: ProjectConfig[];
  /** Served API versions (seed 004: "v1" in every example). */
  versions?: string[];
  now?: Now;
  sleep?: Sleep;
  latencyMs?: number;
  /** Page size when the query has none (default 10; at most `maxPageSize`, default 100). */
  defaultPageSize?: number;
  maxPageSize?: number;
  /**
   * Paging behaviours (routes.ts PagingBehaviour), none documented: pages counted from 0 or 1 (default
   * 1), an oversized pageSize refused (default) or capped, the paging query ignored.
   */
  paging?: Partial<PagingBehaviour>;
  /** Answer shapes besides the default (render.ts GjirafaShape): null instead of empty fields. */
  shape?: Partial<GjirafaShape>;
  /** Successes carry non-empty `errors` and `messages`, as the documentation's examples do. */
  successNotes?: boolean;
}

export type GjirafaDetail = ReturnType<typeof renderDetail>;
export type GjirafaListItem = ReturnType<typeof renderListItem>;

export interface GjirafaSimulator {
  fetch: SimulatorFetch;
  addProject(project: ProjectConfig): void;
  seedCertificate(projectId: string, seed: GjirafaCertificateSeed): GjirafaDetail;
  certificate(projectId: string, id: number): GjirafaDetail | undefined;
  certificates(projectId: string): GjirafaDetail[];
  projectIds(): string[];
  readonly faults: FaultInjector;
  readonly log: CallLog;
  calls(filter?: CallFilter): RecordedCall[];
  count(method?: string, pathSuffix?: PathPattern): number;
  setLatency(ms: number): void;
}

function createProject(config: ProjectConfig): Project {
  if (!UUID.test(config.id)) throw new Error(`project id must be a uuid: ${config.id}`);
  return { id: config.id.toLowerCase(), name: config.name ?? config.id, certificates: new Map() };
}

export function createGjirafaSimulator(options: GjirafaSimulatorOptions = {}): GjirafaSimulator {
  const now = options.now ?? systemNow;
  const projects = new Map<string, Project>();
  for (const p of options.projects ?? []) projects.set(p.id.toLowerCase(), createProject(p));
  const log = createCallLog(now);
  const faults = createFaultInjector();
  let latencyMs = options.latencyMs ?? 0;
  // Ids are unique across projects, as database identities are.
  let lastId = 0;
  const nextId = () => ++lastId;

  const store = (project: Project, cert: GjirafaCertificate) => {
    project.certificates.set(cert.id, cert);
    return cert;
  };

  const state: GjirafaState = {
    projects,
    keys: options.apiKeys ?? [{ key: DEFAULT_GJIRAFA_API_KEY }],
    versions: options.versions ?? ["v1"],
    now,
    defaultPageSize: options.defaultPageSize ?? 10,
    maxPageSize: options.maxPageSize ?? 100,
    paging: { firstPageIndex: 1, oversize: "refuse", ignoreQuery: false, ...options.paging },
    shape: { ...DEFAULT_GJIRAFA_SHAPE, ...options.shape },
    successNotes: options.successNotes === true,
    createIssued(project, input) {
      const names = [input.domainName, ...input.additionalNames];
      const records = challengeRecords(names);
      return store(project, {
        id: nextId(),
        projectId: project.id,
        scopeId: input.scopeId,
        sslCertificateId: crypto.randomUUID(),
        distributionId: null,
        domainName: input.domainName,
        additionalNames: input.additionalNames,
        publicKeyInfo: null,
        signatureAlgorithm: null,
        issuer: null,
        certificateType: "Gjirafa Issued",
        status: GJIRAFA_STATUS.pendingValidation,
        certificateChallenge: records[0]?.value ?? null,
        serialNumber: null,
        dnsRecords: records,
        notBefore: null,
        notAfter: null,
        lastModified: now(),
        behaviour: behaviourOf(names),
      });
    },
    createImported(project, { info, scopeId }) {
      const at = now();
      const domainName = (info.subjectCommonName ?? info.dnsNames[0] ?? "").toLowerCase();
      const additionalNames = info.dnsNames.map((n) => n.toLowerCase()).filter((n) => n !== domainName);
      const status =
        at < info.notBefore
          ? GJIRAFA_STATUS.notYetValid
          : at >= info.notAfter
            ? GJIRAFA_STATUS.expired
            : GJIRAFA_STATUS.active;
      return store(project, {
        id: nextId(),
        projectId: project.id,
        scopeId,
        sslCertificateId: crypto.randomUUID(),
        distributionId: null,
        domainName,
        additionalNames,
        publicKeyInfo: info.publicKeyInfo,
        signatureAlgorithm: info.signatureAlgorithm,
        issuer: info.issuer,
        certificateType: "Imported",
        status,
        certificateChallenge: null,
        serialNumber: info.serialNumber,
        dnsRecords: [],
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        lastModified: at,
        behaviour: "normal",
      });
    },
  };

  const projectOf = (projectId: string): Project => {
    const project = projects.get(projectId.toLowerCase());
    if (project === undefined) throw new Error(`unknown project ${projectId}: add it first`);
    return project;
  };

  return {
    fetch: createPipeline({
      log,
      faults,
      sleep: options.sleep ?? realSleep,
      latencyMs: () => latencyMs,
      dialect: gjirafaDialect,
      handle: (request, url, bodyText) => handleGjirafa(state, request, url, bodyText),
    }),
    addProject(project) {
      projects.set(project.id.toLowerCase(), createProject(project));
    },
    seedCertificate(projectId, seed) {
      const project = projectOf(projectId);
      const id = seed.id ?? nextId();
      if (project.certificates.has(id))
        throw new Error(`certificate ${id} already exists in project ${projectId}`);
      lastId = Math.max(lastId, id);
      return renderDetail(store(project, certificateFromSeed(project.id, id, seed, now())), now());
    },
    certificate(projectId, id) {
      const cert = projectOf(projectId).certificates.get(id);
      return cert === undefined ? undefined : renderDetail(cert, now());
    },
    certificates: (projectId) =>
      [...projectOf(projectId).certificates.values()]
        .sort((a, b) => a.id - b.id)
        .map((c) => renderDetail(c, now())),
    projectIds: () => [...projects.keys()],
    faults,
    log,
    calls: (filter) => log.calls(filter),
    count: (method, pathSuffix) => log.count(method, pathSuffix),
    setLatency(ms) {
      latencyMs = ms;
    },
  };
}
