/**
 * Small inline upstreams for the HTTP core's tests: canned answers, a scripted sequence, and a `send`
 * that goes through upstreamRequest with recorded sleeps.
 */
import * as z from "zod";
import { cloudflareErrors } from "../../src/providers/cloudflare/errors";
import { gjirafaErrors } from "../../src/providers/gjirafa/errors";
import { type HttpMethod, upstreamRequest } from "../../src/upstream/request";
import { type Handler, routedFetch, testDeps } from "../helpers/deps";
import { UPSTREAM_CLOUDFLARE_TOKEN } from "../helpers/ids";
import { testUpstreamContext } from "./context";

export const ORIGIN = "https://upstream.test";
export const URL_ = `${ORIGIN}/thing`;
export const Schema = z.looseObject({ success: z.literal(true), result: z.looseObject({ id: z.string() }) });

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
export const ok = () => json(200, { success: true, errors: [], messages: [], result: { id: "abc" } });
export const cfFail = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  json(status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);

/** Answers from a script: one entry per request, the last repeated. */
export function scripted(...answers: Array<Handler>): Handler {
  let i = 0;
  return (request) => {
    const answer = answers[Math.min(i, answers.length - 1)];
    i += 1;
    if (!answer) throw new Error("empty script");
    return answer(request);
  };
}

export function setup(handler: Handler, env: Record<string, string> = {}, deadlineMs?: number) {
  const sleeps: number[] = [];
  const fetch = routedFetch({ [ORIGIN]: handler });
  const deps = testDeps({
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const ctx = testUpstreamContext({ deps, env, deadlineMs });
  const send = (
    method: HttpMethod = "GET",
    provider: "cloudflare" | "gjirafa" = "cloudflare",
    body?: unknown,
  ) =>
    upstreamRequest(ctx, {
      dialect: provider === "gjirafa" ? gjirafaErrors : cloudflareErrors,
      method,
      url: URL_,
      headers: { authorization: `Bearer ${UPSTREAM_CLOUDFLARE_TOKEN}` },
      body,
      idempotent: method === "GET",
      schema: Schema,
      operation: "test",
    });
  return { ctx, fetch, sleeps, send };
}
