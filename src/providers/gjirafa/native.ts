/**
 * What the native pass-through routes (/gjirafa/...) need: the request schemas of seed 004 and one
 * function per operation that validates the caller's input, calls Gjirafa and returns its envelope
 * (loose: unknown fields kept; a write's 2xx answer exactly as it came, whatever its shape). Import bodies are PEM-checked first; a failure names the field
 * (body.certificateBody, body.certificatePrivateKey, body.certificateChain) and never echoes it. The
 * `certificateChain` field is required (seed 004) but may be "" (no chain; pem.ts).
 */
import { validate } from "../../validation";
import type { UpstreamContext } from "../types";
import {
  createCertificate,
  deleteCertificate,
  getCertificate,
  importCertificate,
  listCertificates,
  updateCertificate,
  validateCertificate,
  type WriteBody,
} from "./client";
import { CertificateIdTextSchema } from "./ids";
import { assertPemFields, chainToSend } from "./pem";
import { CreateBodySchema, ImportBodySchema, ListQuerySchema, UpdateBodySchema } from "./requests";
import type { CertificateListResponse, CertificateResponse } from "./schemas";

export type { WriteBody } from "./client";
export type { CreateBody, ImportBody, ListQuery, UpdateBody } from "./requests";
export { CreateBodySchema, ImportBodySchema, ListQuerySchema, UpdateBodySchema } from "./requests";
export type { CertificateListResponse, CertificateResponse } from "./schemas";

export const gjirafaNative = Object.freeze({
  listQuery: ListQuerySchema,
  createBody: CreateBodySchema,
  importBody: ImportBodySchema,
  updateBody: UpdateBodySchema,
  /** THE certificate id rule (ids.ts), the same one `/v1` ids use. */
  certificateId: CertificateIdTextSchema,

  /** GET .../certificates with the caller's pageIndex/pageSize (undocumented upstream; passed as given). */
  async list(ctx: UpstreamContext, project: string, query: unknown): Promise<CertificateListResponse> {
    return listCertificates(ctx, project, validate(ListQuerySchema, query, "query"));
  },
  async get(ctx: UpstreamContext, project: string, id: string): Promise<CertificateResponse> {
    return getCertificate(ctx, project, id);
  },
  async create(ctx: UpstreamContext, project: string, body: unknown): Promise<WriteBody> {
    return createCertificate(ctx, project, validate(CreateBodySchema, body, "body"));
  },
  async import(ctx: UpstreamContext, project: string, body: unknown): Promise<WriteBody> {
    const parsed = validate(ImportBodySchema, body, "body");
    assertPemFields([
      { path: "body.certificateBody", value: parsed.certificateBody, kind: "certificate" },
      { path: "body.certificatePrivateKey", value: parsed.certificatePrivateKey, kind: "private_key" },
      { path: "body.certificateChain", value: parsed.certificateChain, kind: "chain" },
    ]);
    return importCertificate(ctx, project, {
      ...parsed,
      certificateChain: chainToSend(parsed.certificateChain),
    });
  },
  async update(ctx: UpstreamContext, project: string, id: string, body: unknown): Promise<WriteBody> {
    return updateCertificate(ctx, project, id, validate(UpdateBodySchema, body, "body"));
  },
  async validate(ctx: UpstreamContext, project: string, id: string): Promise<WriteBody> {
    return validateCertificate(ctx, project, id);
  },
  async remove(ctx: UpstreamContext, project: string, id: string): Promise<WriteBody> {
    return deleteCertificate(ctx, project, id);
  },
});
