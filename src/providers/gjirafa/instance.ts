/**
 * Gjirafa as a configured provider: CDN certificates of the configured projects. The wire object it
 * hands out (`Raw`) is the validated, loose `GjirafaCertificate`: a detail, or (from `listAll`) a list
 * item merged with its detail (enrich.ts). Cache entries written before enrichment hold plain list
 * items; `parseRaw` still accepts them and `normalize` reports what they lack as null.
 */
import { AppError } from "../../errors";
import { certificateId, type Quota } from "../../model/certificate";
import type { UpstreamContext } from "../../upstream/context";
import { readWriteAnswer, upstreamNotes, type WriteAnswer } from "../answers";
import type { DeleteOutcome, ProviderInstance } from "../types";
import { createGjirafaClient, type GjirafaClient } from "./client";
import { listAllEnriched } from "./enrich";
import { parseCertificateIdText } from "./ids";
import { normalizeGjirafaCertificate } from "./normalize";
import { type GjirafaCertificate, GjirafaCertificateSchema } from "./schemas";
import type { GjirafaSettings } from "./settings";
import {
  type GjirafaCreate,
  type GjirafaImport,
  type GjirafaUpdate,
  toCreateBody,
  toImportBody,
} from "./unified";

export interface GjirafaInstance extends ProviderInstance<GjirafaCertificate> {
  /** The HTTP client of this configuration (the native door uses it). */
  readonly client: GjirafaClient;
  create(
    ctx: UpstreamContext,
    project: string,
    input: GjirafaCreate,
  ): Promise<WriteAnswer<GjirafaCertificate>>;
  importCertificate(
    ctx: UpstreamContext,
    project: string,
    input: GjirafaImport,
  ): Promise<WriteAnswer<GjirafaCertificate>>;
  update(
    ctx: UpstreamContext,
    project: string,
    id: string,
    input: GjirafaUpdate,
  ): Promise<WriteAnswer<GjirafaCertificate>>;
}

export function createGjirafaInstance(settings: GjirafaSettings): GjirafaInstance | null {
  const { apiBase, auth } = settings;
  if (settings.projects.length === 0 || apiBase === null || auth === null) return null;
  const client = createGjirafaClient({ apiBase, apiVersion: settings.apiVersion, auth });

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
      secrets: ctx.secrets,
      knownId: id ?? undefined,
    });
  }

  async function update(ctx: UpstreamContext, project: string, id: string, input: GjirafaUpdate) {
    if (input.scope_id === undefined) {
      throw new AppError("validation_failed", "Nothing to update: send scope_id", {
        fields: [{ path: "body.scope_id", message: "is required for Gjirafa" }],
      });
    }
    const body = await client.updateCertificate(ctx, project, id, { scopeId: input.scope_id });
    return readCertificate(ctx, project, body, "update", id);
  }

  /** DELETE; an unknown id stays 404 `not_found` (Gjirafa has no "already deleted" state to report). */
  async function remove(ctx: UpstreamContext, project: string, id: string): Promise<DeleteOutcome> {
    const body = await client.deleteCertificate(ctx, project, id);
    const canonical = String(parseCertificateIdText(id) ?? id);
    return {
      id: certificateId("gjirafa", project, canonical),
      already_deleted: false,
      messages: upstreamNotes("Gjirafa", body, ctx.secrets),
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

  return Object.freeze({
    client,
    scopes: [...settings.projects],
    // Cost: 1 request per list page + 1 detail GET per certificate (1 + N for up to 100 certificates), at
    // most 6 in flight, within ctx.deadline and sent through ctx.fetch. Paid for at most once per fresh
    // window per project (the list cache coalesces refreshes); the monitor plans each scope by its
    // measured cost (src/monitor/plan.ts). Why the details are needed at all: enrich.ts.
    listAll: (ctx, project, options) => listAllEnriched(client, ctx, project, options?.previous),
    parseRaw(value) {
      const parsed = GjirafaCertificateSchema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    async get(ctx, project, id) {
      const answer = await client.getCertificate(ctx, project, id);
      return { raw: answer.result, messages: upstreamNotes("Gjirafa", answer, ctx.secrets) };
    },
    create: async (ctx, project, input) =>
      readCertificate(
        ctx,
        project,
        await client.createCertificate(ctx, project, toCreateBody(input)),
        "create",
      ),
    importCertificate: async (ctx, project, input) =>
      readCertificate(
        ctx,
        project,
        await client.importCertificate(ctx, project, toImportBody(input)),
        "import",
      ),
    update,
    requestValidation: async (ctx, project, id) =>
      readCertificate(ctx, project, await client.validateCertificate(ctx, project, id), "validation", id),
    remove,
    quota,
    normalize: normalizeGjirafaCertificate,
    rawId: (cert) => String(cert.id),
  } satisfies GjirafaInstance);
}
