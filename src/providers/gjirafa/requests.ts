/**
 * What certgate SENDS to Gjirafa (the request bodies of https://docs.captain.gjirafa.tech/cdn/api/certificates),
 * as zod: the native pass-through routes
 * validate callers' input with these, and the client sends only values that passed them.
 * The paging query is not documented: `pageIndex` and `pageSize` mirror the names of `resultInfo`.
 */
import * as z from "zod";
import { HostnameSchema, hostnameList } from "../../model/hostname";
import { INT32_MAX, INT32_MIN } from "./ids";

const int32 = z.number().int().min(INT32_MIN).max(INT32_MAX);

/** Let's Encrypt's limit of names per certificate (100), the primary name included. */
export const MAX_ADDITIONAL_NAMES = 99;

/** POST .../certificates: `{domainName, additionalDomainNames: [string], scopeId}`. */
export const CreateBodySchema = z
  .strictObject({
    domainName: HostnameSchema,
    additionalDomainNames: hostnameList(0, MAX_ADDITIONAL_NAMES).default([]),
    scopeId: int32,
  })
  .superRefine((body, ctx) => {
    body.additionalDomainNames.forEach((name, index) => {
      if (name === body.domainName) {
        ctx.addIssue({
          code: "custom",
          path: ["additionalDomainNames", index],
          message: "repeats domainName",
        });
      }
    });
  });
export type CreateBody = z.infer<typeof CreateBodySchema>;

/** POST .../certificates/import. PEM content is checked by pem.ts (without echoing it). */
export const ImportBodySchema = z.strictObject({
  certificateBody: z.string(),
  certificatePrivateKey: z.string(),
  /** Required by the documentation but may be "" (no chain); non-empty content must be CERTIFICATE blocks (pem.ts). */
  certificateChain: z.string(),
  scopeId: int32,
});
export type ImportBody = z.infer<typeof ImportBodySchema>;

/** PUT .../certificates/{id}: `{scopeId}`. */
export const UpdateBodySchema = z.strictObject({ scopeId: int32 });
export type UpdateBody = z.infer<typeof UpdateBodySchema>;

export const ListQuerySchema = z.strictObject({
  pageIndex: z.coerce.number().int().min(0).max(INT32_MAX).optional(),
  pageSize: z.coerce.number().int().min(1).max(1_000).optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
