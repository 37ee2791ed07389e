/**
 * The Gjirafa provider behind `CertificateProvider`: CDN certificates of the configured projects.
 * The wire object it hands out (`Raw`) is the validated, loose `GjirafaCertificate`: a detail, or (from
 * `listAll`) a list item merged with its detail (enrich.ts). Cache entries written before enrichment hold
 * plain list items; `parseRaw` still accepts them and `normalize` reports what they lack as null.
 */
import { AppError } from "../../errors";
import { certificateId, type Quota } from "../../model/certificate";
import { validate } from "../../validation";
import { readWriteAnswer, upstreamNotes, type WriteAnswer } from "../answers";
import type {
  CertificateProvider,
  CreateInput,
  DeleteOutcome,
  ImportInput,
  UpdateInput,
  UpstreamContext,
} from "../types";
import {
  createCertificate,
  deleteCertificate,
  getCertificate,
  importCertificate,
  updateCertificate,
  validateCertificate,
} from "./client";
import { listAllEnriched } from "./enrich";
import { parseCertificateIdText } from "./ids";
import { normalizeGjirafaCertificate } from "./normalize";
import { assertImportPem, chainToSend } from "./pem";
import { type CreateBody, CreateBodySchema, type ImportBody, ImportBodySchema } from "./requests";
import { type GjirafaCertificate, GjirafaCertificateSchema } from "./schemas";

/** A write's answer read leniently; `knownId` is the id the caller addressed (update, validate). */
function readCertificate(
  ctx: UpstreamContext,
  project: string,
  body: unknown,
  operation: string,
  knownId?: string,
): WriteAnswer<GjirafaCertificate> {
  const id = knownId === undefined ? null : parseCertificateIdText(knownId);
  return readWriteAnswer(GjirafaCertificateSchema, body, {
    label: "Gjirafa",
    operation,
    listHint: `the project's certificates (GET /v1/certificates?project=${project})`,
    secrets: ctx.config.secrets,
    knownId: id ?? undefined,
  });
}

/** Unified create input -> seed 004's create body (validated before anything is sent). */
export function toCreateBody(input: CreateInput): CreateBody {
  if (input.provider !== "gjirafa") throw new AppError("bad_request", "This create input is not for Gjirafa");
  return validate(
    CreateBodySchema,
    { domainName: input.domain_name, additionalDomainNames: input.additional_names, scopeId: input.scope_id },
    "body",
  );
}

/** Unified import input -> seed 004's import body; PEM is checked first and never echoed. */
export function toImportBody(input: ImportInput): ImportBody {
  assertImportPem(input);
  return validate(
    ImportBodySchema,
    {
      certificateBody: input.certificate,
      certificatePrivateKey: input.private_key,
      certificateChain: chainToSend(input.chain),
      scopeId: input.scope_id,
    },
    "body",
  );
}

async function update(ctx: UpstreamContext, project: string, id: string, input: UpdateInput) {
  if (input.cloudflare_branding !== undefined) {
    throw new AppError("not_supported_by_provider", "Gjirafa certificates have no Cloudflare branding", {
      provider: "gjirafa",
    });
  }
  if (input.scope_id === undefined) {
    throw new AppError("validation_failed", "Nothing to update: send scope_id", {
      fields: [{ path: "body.scope_id", message: "is required for Gjirafa" }],
    });
  }
  const body = await updateCertificate(ctx, project, id, { scopeId: input.scope_id });
  return readCertificate(ctx, project, body, "update", id);
}

/** DELETE; an unknown id stays 404 `not_found` (Gjirafa has no "already deleted" state to report). */
async function remove(ctx: UpstreamContext, project: string, id: string): Promise<DeleteOutcome> {
  const body = await deleteCertificate(ctx, project, id);
  const canonical = String(parseCertificateIdText(id) ?? id);
  return {
    id: certificateId("gjirafa", project, canonical),
    already_deleted: false,
    messages: upstreamNotes("Gjirafa", body, ctx.config.secrets),
  };
}

/** Gjirafa publishes no quota API: supported=false with nulls (not zeros), and no upstream call. */
async function quota(_ctx: UpstreamContext, project: string): Promise<Quota> {
  return {
    provider: "gjirafa",
    scope: { kind: "project", id: project },
    supported: false,
    allocated: null,
    used: null,
    remaining: null,
    percent: null,
  };
}

export const gjirafaProvider: CertificateProvider<GjirafaCertificate> = Object.freeze({
  name: "gjirafa",
  label: "Gjirafa",
  scopeKind: "project",
  hasQuotaApi: false,
  configuredScopes: (config) => [...config.gjirafa.projects],
  isConfigured: (config) =>
    config.gjirafa.apiBase !== null && config.gjirafa.auth !== null && config.gjirafa.projects.length > 0,
  deployViews: false,
  itemNoun: "certificate",
  createOperation: "create",
  // Cost: 1 request per list page + 1 detail GET per certificate (1 + N for up to 100 certificates), at
  // most 6 in flight, within ctx.deadline and sent through ctx.fetch. Paid for at most once per fresh
  // window per project (the list cache coalesces refreshes); the monitor plans each scope by its
  // measured cost (src/monitor/plan.ts). Why the details are needed at all: enrich.ts.
  listAll: (ctx, project, options) => listAllEnriched(ctx, project, options?.previous),
  parseRaw(value) {
    const parsed = GjirafaCertificateSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  },
  async get(ctx, project, id) {
    const answer = await getCertificate(ctx, project, id);
    return { raw: answer.result, messages: upstreamNotes("Gjirafa", answer, ctx.config.secrets) };
  },
  create: async (ctx, project, input) =>
    readCertificate(ctx, project, await createCertificate(ctx, project, toCreateBody(input)), "create"),
  importCertificate: async (ctx, project, input) =>
    readCertificate(ctx, project, await importCertificate(ctx, project, toImportBody(input)), "import"),
  update,
  validate: async (ctx, project, id) =>
    readCertificate(ctx, project, await validateCertificate(ctx, project, id), "validation", id),
  remove,
  quota,
  normalize: normalizeGjirafaCertificate,
  rawId: (cert) => String(cert.id),
} satisfies CertificateProvider<GjirafaCertificate>);
