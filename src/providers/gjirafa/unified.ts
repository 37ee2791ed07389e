/**
 * Gjirafa's part of the unified API (/v1): the create and import bodies, the PATCH field it takes, and
 * their mapping to Gjirafa's own request bodies.
 */
import * as z from "zod";
import { HostnameSchema, hostnameList } from "../../model/hostname";
import { validate } from "../../validation";
import { INT32_MAX, ProjectIdSchema } from "./ids";
import { assertImportPem, chainToSend } from "./pem";
import {
  type CreateBody,
  CreateBodySchema,
  type ImportBody,
  ImportBodySchema,
  MAX_ADDITIONAL_NAMES,
} from "./requests";

/** Gjirafa's certificate scope id (who may use the certificate: a project, the organization). */
const ScopeId = z.number().int().min(0).max(INT32_MAX);

/** POST /v1/certificates with `provider: "gjirafa"`: create a certificate Gjirafa issues. */
export const GjirafaCreateSchema = z
  .strictObject({
    provider: z.literal("gjirafa"),
    project: ProjectIdSchema,
    domain_name: HostnameSchema,
    // The native rule (requests.ts): up to 99 names besides domain_name, no repeats.
    additional_names: hostnameList(0, MAX_ADDITIONAL_NAMES)
      .default([])
      .meta({ description: `Up to ${MAX_ADDITIONAL_NAMES} more hostnames, none repeating domain_name` }),
    scope_id: ScopeId,
  })
  .superRefine((body, ctx) => {
    body.additional_names.forEach((name, index) => {
      if (name === body.domain_name) {
        ctx.addIssue({ code: "custom", path: ["additional_names", index], message: "repeats domain_name" });
      }
    });
  });
export type GjirafaCreate = z.output<typeof GjirafaCreateSchema>;

/**
 * POST /v1/certificates/import: a PEM certificate, its private key and chain. `provider` may be left out
 * (Gjirafa is the provider that imports). The PEM blocks are checked by the provider, after
 * authorization and before anything is sent, naming the field and never echoing it (pem.ts).
 */
export const GjirafaImportSchema = z.strictObject({
  provider: z.literal("gjirafa").default("gjirafa"),
  project: ProjectIdSchema,
  certificate: z.string().min(1).max(65_536).meta({ description: "PEM certificate" }),
  private_key: z.string().min(1).max(65_536).meta({ description: "PEM private key; never logged or echoed" }),
  chain: z.string().max(131_072).default("").meta({ description: "PEM chain" }),
  scope_id: ScopeId,
});
export type GjirafaImport = z.output<typeof GjirafaImportSchema>;

/** PATCH /v1/certificates/{id}: what a Gjirafa certificate can change. */
export const GjirafaUpdateSchema = z.object({
  scope_id: ScopeId.optional().meta({ description: "Gjirafa certificates only" }),
});
export type GjirafaUpdate = z.output<typeof GjirafaUpdateSchema>;

/** Unified create input -> Gjirafa's create body (validated before anything is sent). */
export function toCreateBody(input: GjirafaCreate): CreateBody {
  return validate(
    CreateBodySchema,
    { domainName: input.domain_name, additionalDomainNames: input.additional_names, scopeId: input.scope_id },
    "body",
  );
}

/** Unified import input -> Gjirafa's import body; PEM is checked first and never echoed. */
export function toImportBody(input: GjirafaImport): ImportBody {
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
