/**
 * The mutation table of `npm run mutate` (main.ts): small, realistic bugs, each with the test files
 * that must catch it. Every entry must be KILLED: a survivor means a missing test (write it), never an
 * entry to delete. A STALE entry (anchor not found exactly once) means the code moved: update the anchor.
 *
 * Adding one: copy an entry, say what it breaks, pick an anchor that occurs once in the file (include
 * enough of the line), give the replacement and the test files that should fail. `npm run mutate --
 * <name>` runs just that one; `npm run mutate -- --check` verifies every anchor in seconds.
 * Entries are grouped by area; the name's first part is the area, so `npm run mutate -- cache.` runs one.
 */
import type { Mutation } from "./types";

/** Test files several areas rely on. */
const T = {
  readAfterWrite: "test/routes/read-after-write.test.ts",
  apiKeys: "test/auth/api-keys.test.ts",
  accessJwt: "test/auth/access-jwt.test.ts",
  accessJwks: "test/auth/access-jwks.test.ts",
  authRoutes: "test/auth/routes.test.ts",
  authorization: "test/routes/authorization.test.ts",
  authSweep: "test/reliability/auth-sweep.test.ts",
  cacheRead: "test/cache/read.test.ts",
  cacheCoalesce: "test/cache/coalesce.test.ts",
  cacheInvalidate: "test/cache/invalidate.test.ts",
  cacheHeaders: "test/cache/headers.test.ts",
  cacheFreshness: "test/cache/freshness.test.ts",
  retries: "test/upstream/retries.test.ts",
  errorTable: "test/upstream/error-table.test.ts",
  upstreamLogging: "test/upstream/logging.test.ts",
  faults: "test/reliability/faults.test.ts",
  redact: "test/redact.test.ts",
  secrets: "test/reliability/secrets.test.ts",
  gjirafaImport: "test/providers/gjirafa/import.test.ts",
  gjirafaPem: "test/providers/gjirafa/pem.test.ts",
  alerts: "test/monitor/alerts.test.ts",
  checks: "test/monitor/checks.test.ts",
  budget: "test/monitor/budget.test.ts",
  budgetLarge: "test/monitor/budget-large-scope.test.ts",
  budgetFetch: "test/monitor/budget-fetch.test.ts",
  monitorSandbox: "test/monitor/sandbox.test.ts",
  plan: "test/monitor/plan.test.ts",
  remediation: "test/monitor/remediation.test.ts",
  reportRoute: "test/monitor/report-route.test.ts",
  nativeCloudflare: "test/providers/cloudflare/native-routes.test.ts",
  nativeGjirafa: "test/providers/gjirafa/native-routes.test.ts",
  v1List: "test/routes/v1-list.test.ts",
  v1Certificates: "test/routes/v1-certificates.test.ts",
  gjirafaEnrich: "test/providers/gjirafa/enrich.test.ts",
  cloudflareProvider: "test/providers/cloudflare/instance.test.ts",
  noDoubleOrder: "test/routes/no-double-order.test.ts",
  cloudflareSdk: "test/providers/cloudflare/sdk.test.ts",
  deletionsThroughDoors: "test/monitor/deletions-through-doors.test.ts",
  lifetimeClassify: "test/monitor/lifetime/classify.test.ts",
  lifetimeProperties: "test/monitor/lifetime/lifetime-properties.test.ts",
  lifetimePolicy: "test/monitor/lifetime/policy.test.ts",
  lifetimeHeartbeat: "test/monitor/lifetime/heartbeat.test.ts",
  lifecycle: "test/monitor/lifecycle.test.ts",
  lease: "test/monitor/lease.test.ts",
  acks: "test/monitor/acks.test.ts",
  monitorState: "test/monitor/state.test.ts",
  configLoad: "test/config/load.test.ts",
  validation: "test/routes/validation.test.ts",
  idempotency: "test/writes/idempotency.test.ts",
  audit: "test/writes/audit.test.ts",
  rotationGateway: "test/writes/rotation.test.ts",
  rotationInvariant: "test/rotation/invariant.test.ts",
  conditional: "test/routes/conditional.test.ts",
  principalMemo: "test/auth/principal-memo.test.ts",
} as const;

export const MUTATIONS: readonly Mutation[] = [
  // --- authentication: API keys
  {
    name: "auth.any-key-matches",
    breaks:
      "Every well-formed certgate key authenticates as the first configured entry: unknown keys get in.",
    file: "src/auth/api-keys.ts",
    anchor: "    if (same && found === undefined) found = entry;",
    replacement: "    if (found === undefined) found = entry;",
    tests: [T.apiKeys, T.authRoutes],
  },
  {
    name: "auth.digest-compare-short",
    breaks: "The key digest comparison skips its last byte: a key whose digest differs only there gets in.",
    file: "src/auth/api-keys.ts",
    anchor: "  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);",
    replacement: "  for (let i = 0; i < n - 1; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);",
    tests: [T.apiKeys],
  },
  {
    name: "auth.bearer-scheme-unchecked",
    breaks:
      "Any Authorization scheme (Basic, Token, ...) is read as a certgate key instead of being refused.",
    file: "src/auth/api-keys.ts",
    anchor: "const BEARER = /^Bearer +(\\S+) *$/i;",
    replacement: "const BEARER = /^\\S+ +(\\S+) *$/i;",
    tests: [T.apiKeys],
  },
  {
    name: "auth.conflicting-key-headers-accepted",
    breaks:
      "Authorization and X-API-Key carrying different keys are accepted (the Bearer one wins) instead of a 401.",
    file: "src/auth/api-keys.ts",
    anchor: "fromAuthorization !== undefined && fromHeader !== undefined && fromAuthorization !== fromHeader",
    replacement:
      "fromAuthorization !== undefined && fromHeader !== undefined && fromAuthorization === fromHeader && false",
    tests: [T.apiKeys, T.authSweep],
  },
  // --- authentication: Cloudflare Access tokens
  {
    name: "access.expiry-unchecked",
    breaks:
      "An expired Cloudflare Access token is accepted for an hour (the skew allowed on exp is an hour, not a minute).",
    file: "src/auth/access-jwt.ts",
    anchor: "      clockTolerance: CLOCK_SKEW_SECONDS,\n",
    replacement: "      clockTolerance: 3_600,\n",
    tests: [T.accessJwt],
  },
  {
    name: "access.audience-unchecked",
    breaks: "An Access token minted for another application (wrong aud) is accepted.",
    file: "src/auth/access-jwt.ts",
    anchor: "      audience: settings.audience,\n",
    replacement: "",
    tests: [T.accessJwt],
  },
  {
    name: "access.issuer-unchecked",
    breaks: "An Access token issued by another team domain is accepted.",
    file: "src/auth/access-jwt.ts",
    anchor: "      issuer: settings.teamDomain,\n",
    replacement: "",
    tests: [T.accessJwt],
  },
  {
    name: "access.signature-unchecked",
    breaks:
      "An Access token with a forged signature is accepted (its payload is read without jose verifying it).",
    file: "src/auth/access-jwt.ts",
    anchor: "    ({ payload } = await jwtVerify(token, key, {\n",
    replacement:
      '    ({ payload } = ((_options: unknown) => ({ payload: JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) }))({\n',
    tests: [T.accessJwt],
  },
  {
    name: "access.not-before-unchecked",
    breaks:
      "An Access token that is not valid yet (nbf in the future) is accepted: jose checks it against a clock an hour ahead.",
    file: "src/auth/access-jwt.ts",
    anchor: "      currentDate: new Date(nowMs),\n",
    replacement: "      currentDate: new Date(nowMs + 3_600_000),\n",
    tests: [T.accessJwt],
  },
  {
    name: "access.rule-fields-ored",
    breaks:
      "An Access rule naming an email AND a group matches on the email alone (rules get wider, not narrower).",
    file: "src/auth/access-rules.ts",
    anchor: "  if (rule.group !== undefined && !id.groups.includes(rule.group)) return false;",
    replacement: "",
    tests: [T.accessJwt],
  },
  {
    name: "access.jwks-refetch-unthrottled",
    breaks:
      "Every token with an unknown kid fetches the team's JWKS again: forged kids become a fetch storm.",
    file: "src/auth/jwks.ts",
    anchor: "    if (entry.lastAttemptAt !== null && now - entry.lastAttemptAt < minRefetchMs) {",
    replacement: "    if (entry.lastAttemptAt !== null && now - entry.lastAttemptAt < 0) {",
    tests: [T.accessJwks],
  },
  // --- authorization: scopes, zone/project allowlists, 403 before 404
  {
    name: "authz.admin-not-implied",
    breaks: "The admin scope no longer implies the other scopes: an admin key gets 403 on reads and writes.",
    file: "src/auth/authorize.ts",
    anchor: '  return p.permissions.has(permission) || p.permissions.has("admin");',
    replacement: "  return p.permissions.has(permission);",
    tests: ["test/auth/authorize.test.ts", T.authRoutes],
  },
  {
    name: "authz.scope-check-skipped",
    breaks: "Routes stop checking the key's scope: a read-only key can order, delete and run the monitor.",
    file: "src/auth/authorize.ts",
    anchor: "    assertPermission(currentPrincipal(c), permission);\n",
    replacement: "    currentPrincipal(c);\n",
    tests: [T.authorization, T.authRoutes],
  },
  {
    name: "authz.zone-allowlist-ignored",
    breaks: "A key limited to some zones may read and write every zone.",
    file: "src/auth/authorize.ts",
    anchor: `  return p.zones === "*" || p.zones.has(zoneId.toLowerCase());`,
    replacement: "  return true;",
    tests: [T.authorization, T.apiKeys],
  },
  {
    name: "authz.project-allowlist-ignored",
    breaks: "A key limited to some Gjirafa projects may read and write every project.",
    file: "src/auth/authorize.ts",
    anchor: `  return p.projects === "*" || p.projects.has(projectId.toLowerCase());`,
    replacement: "  return true;",
    tests: [T.authorization, T.apiKeys],
  },
  {
    name: "authz.allowlist-case-sensitive",
    breaks: "A key whose API_KEYS entry names a project uuid in upper case is refused its own project.",
    file: "src/auth/principal.ts",
    anchor: "      all.add(id.toLowerCase());",
    replacement: "      all.add(id);",
    tests: [T.authorization],
  },
  {
    name: "authz.404-before-403",
    breaks:
      "An unmanaged zone answers 404 before the caller's allowlist is checked: a 403 starts revealing which zones exist.",
    file: "src/service/scopes.ts",
    anchor:
      "    assertAllowed(ctx.principal, scope);\n    const configured = ctx.config.providers.find((p) => p.descriptor.name === scope.provider);\n    if (!configured?.instance.scopes.includes(scope.id)) {",
    replacement:
      "    const configured = ctx.config.providers.find((p) => p.descriptor.name === scope.provider);\n    if (configured?.instance.scopes.includes(scope.id)) assertAllowed(ctx.principal, scope);\n    if (!configured?.instance.scopes.includes(scope.id)) {",
    tests: [T.apiKeys, T.authorization],
  },
  {
    name: "authz.unmanaged-zone-served",
    breaks: "A zone the key may see but certgate does not manage is sent upstream instead of answering 404.",
    file: "src/service/scopes.ts",
    anchor:
      "    if (!configured?.instance.scopes.includes(scope.id)) {\n      throw notManaged(scope.kind, scope.id, scope.provider);\n    }",
    replacement:
      "    if (!configured) {\n      throw notManaged(scope.kind, scope.id, scope.provider);\n    }",
    tests: [T.v1Certificates, T.authorization],
  },
  {
    name: "authz.list-shows-other-zones",
    breaks: "The unified list includes zones and projects outside the caller's allowlist.",
    file: "src/service/scopes.ts",
    anchor: "        if (allowsScope(ctx.principal, scope)) {",
    replacement: "        if (allowsScope(ctx.principal, scope) || true) {",
    tests: [T.authorization],
  },
  {
    name: "authz.report-not-filtered",
    breaks: "GET /v1/report shows a zone-limited caller the scopes and problems of every zone.",
    file: "src/monitor/report-view.ts",
    anchor: '  const sees = (ref: { kind: "zone" | "project"; id: string }) => allowsScope(principal, ref);',
    replacement: '  const sees = (_ref: { kind: "zone" | "project"; id: string }) => true;',
    tests: [T.reportRoute],
  },
  // --- cache freshness, stale-while-revalidate, stale-if-error, bypass, coalescing
  {
    name: "cache.fresh-window-off-by-one",
    breaks:
      "An entry exactly at the end of its fresh window is still a HIT (the boundary moves by a second).",
    file: "src/cache/freshness.ts",
    anchor: '  if (age < input.windows.freshSeconds * 1000) return { action: "hit" };',
    replacement: '  if (age <= input.windows.freshSeconds * 1000) return { action: "hit" };',
    tests: [T.cacheRead, T.cacheFreshness],
  },
  {
    name: "cache.stale-served-as-hit",
    breaks: "A list past its fresh window is served as HIT, without a background refresh.",
    file: "src/cache/freshness.ts",
    anchor: '  if (age < input.windows.freshSeconds * 1000) return { action: "hit" };',
    replacement: '  if (age < input.windows.staleSeconds * 1000) return { action: "hit" };',
    tests: [T.cacheRead, T.nativeCloudflare, T.cacheFreshness],
  },
  {
    name: "cache.stale-window-unbounded",
    breaks: "A cached list of any age is served STALE; the stale window never ends.",
    file: "src/cache/freshness.ts",
    anchor: "  if (age < input.windows.staleSeconds * 1000) {",
    replacement: "  if (age < Number.POSITIVE_INFINITY) {",
    tests: [T.cacheRead, T.cacheFreshness],
  },
  {
    name: "cache.no-background-refresh",
    breaks: "A STALE read never refreshes the list: it stays stale until the stale window ends.",
    file: "src/cache/freshness.ts",
    anchor: "    const refresh = input.refreshNotBefore === null || input.now >= input.refreshNotBefore;",
    replacement: "    const refresh = false;",
    tests: [T.cacheRead, T.cacheCoalesce, T.cacheFreshness],
  },
  {
    name: "cache.stale-if-error-off",
    breaks:
      "When the upstream fails, the stale copy is not served: the caller gets the error although a copy exists.",
    file: "src/cache/freshness.ts",
    anchor: "  return now - fetchedAt < windows.staleSeconds * 1000;",
    replacement: "  return now - fetchedAt < 0;",
    tests: [T.cacheRead, T.faults, T.cacheFreshness],
  },
  {
    name: "cache.stale-if-error-unbounded",
    breaks: "When the upstream fails, a copy older than the stale window is served instead of the error.",
    file: "src/cache/freshness.ts",
    anchor: "  return now - fetchedAt < windows.staleSeconds * 1000;",
    replacement: "  return now >= 0;",
    tests: [T.cacheRead, T.faults, T.cacheFreshness],
  },
  {
    name: "cache.bypass-ignored",
    breaks: "Cache-Control: no-cache is ignored: the caller gets the cached list instead of the origin's.",
    file: "src/cache/freshness.ts",
    anchor: "  if (input.bypass) {",
    replacement: "  if (input.bypass && false) {",
    tests: [T.cacheRead, T.nativeCloudflare, T.cacheFreshness],
  },
  {
    name: "cache.no-coalescing",
    breaks: "Concurrent misses of one scope each go upstream instead of sharing one load.",
    file: "src/cache/coalescer.ts",
    anchor: "      if (current && current.generation === generation && !(bypass && current.loaded)) {",
    replacement: "      if (false) {",
    tests: [T.cacheCoalesce],
  },
  {
    name: "cache.errors-cached",
    breaks:
      "A failed load is remembered: later reads get the old failure instead of trying the upstream again.",
    file: "src/cache/coalescer.ts",
    anchor: "        if (inflight.get(k) === flight) inflight.delete(k);",
    replacement: "        if (inflight.get(k) === flight && flight.loaded) inflight.delete(k);",
    tests: [T.cacheCoalesce, T.cacheRead],
  },
  {
    name: "cache.no-cache-header-parsing",
    breaks:
      "Pragma: no-cache is honoured even when Cache-Control is present (RFC 9111 §5.4 says it must not be).",
    file: "src/cache/headers.ts",
    anchor: '  if (cacheControl !== null) return directives(cacheControl).has("no-cache");',
    replacement: '  if (cacheControl !== null && directives(cacheControl).has("no-cache")) return true;',
    tests: [T.cacheHeaders],
  },
  // --- invalidation after every kind of write
  {
    name: "invalidation.quota-kept-after-write",
    breaks:
      "A write leaves the zone's cached quota in place: `used` is stale (a cache hit) after an order or delete.",
    file: "src/service/writes.ts",
    anchor: '      cache.invalidate(cacheContext(ctx), { scope, kind: "quota" }),\n',
    replacement: "",
    tests: [T.readAfterWrite],
  },
  {
    name: "invalidation.list-kept-after-write",
    breaks: "Orders, creates, imports, updates and validations leave the scope's cached list in place.",
    file: "src/service/writes.ts",
    anchor: '      cache.invalidate(cacheContext(ctx), { scope, kind: "list" }),\n',
    replacement: "",
    tests: [T.readAfterWrite],
  },
  {
    name: "invalidation.unified-delete-skips-invalidation",
    breaks:
      "DELETE /v1/certificates/{id} does not invalidate: the deleted certificate is still listed from the cache.",
    file: "src/service/writes.ts",
    anchor: "      await recordDeletionSafely(ctx, scope, id);\n      await afterWrite(ctx, scope);\n",
    replacement: "      await recordDeletionSafely(ctx, scope, id);\n",
    tests: [T.readAfterWrite],
  },
  {
    name: "invalidation.native-writes-skip-invalidation",
    breaks:
      "Writes through the native doors (order, PATCH, DELETE, Gjirafa writes) do not invalidate the list or quota.",
    file: "src/service/writes.ts",
    anchor: "      if (!effect.write) {",
    replacement: "      if (true) {",
    tests: [T.readAfterWrite],
  },
  {
    name: "invalidation.in-flight-load-survives",
    breaks:
      "A list load that started before a write is shared with reads after the write and stored over the invalidation.",
    file: "src/cache/coalescer.ts",
    anchor: "      generations.set(k, generationOf(k) + 1);",
    replacement: "      generations.set(k, generationOf(k));",
    tests: [T.cacheInvalidate],
  },
  {
    name: "invalidation.isolate-serves-old-entry",
    breaks:
      "After a failed KV delete (or another isolate's late store), this isolate serves the pre-write list again.",
    file: "src/cache/freshness.ts",
    anchor: "  return invalidatedAt !== null && fetchedAt < invalidatedAt;",
    replacement: "  return invalidatedAt !== null && fetchedAt < invalidatedAt && false;",
    tests: [T.cacheInvalidate, T.cacheFreshness],
  },
  // --- retries, Retry-After, deadlines
  {
    name: "retry.post-retried",
    breaks: "A POST marked idempotent is retried after a 5xx: a lost answer can order or import twice.",
    file: "src/upstream/request.ts",
    anchor: `  const retryable = req.idempotent && req.method !== "POST";`,
    replacement: "  const retryable = req.idempotent;",
    tests: [T.retries],
  },
  {
    name: "retry.writes-marked-idempotent",
    breaks:
      "The Cloudflare client marks PATCH and DELETE (and POST) retryable: a write is sent again on a 5xx.",
    file: "src/providers/cloudflare/client.ts",
    anchor: `    idempotent: method === "GET",`,
    replacement: "    idempotent: true,",
    tests: [T.faults, T.retries],
  },
  {
    name: "retry.gjirafa-writes-marked-idempotent",
    breaks:
      "The Gjirafa client marks PUT and DELETE retryable: a validation or delete is sent again on a 5xx.",
    file: "src/providers/gjirafa/client.ts",
    anchor: `    idempotent: method === "GET",`,
    replacement: "    idempotent: true,",
    tests: [T.faults],
  },
  {
    name: "retry.gets-not-retried",
    breaks: "Reads are no longer retried: one upstream 5xx or dropped connection fails the caller's GET.",
    file: "src/upstream/request.ts",
    anchor: "  const maxRetries = retryable ? ctx.policy.maxRetries : 0;",
    replacement: "  const maxRetries = 0;",
    tests: [T.retries, T.errorTable],
  },
  {
    name: "retry.one-retry-too-many",
    breaks: "UPSTREAM_MAX_RETRIES is off by one: a failing GET is tried once more than configured.",
    file: "src/upstream/request.ts",
    anchor:
      "    if (outcome.final || attempt >= maxRetries || !UPSTREAM_ERROR_TABLE[outcome.kind].retried) {",
    replacement:
      "    if (outcome.final || attempt > maxRetries || !UPSTREAM_ERROR_TABLE[outcome.kind].retried) {",
    tests: [T.retries, T.faults],
  },
  {
    name: "retry.retry-after-ignored",
    breaks:
      "Retry-After is ignored: certgate retries a 429 after its own short backoff instead of the upstream's wait.",
    file: "src/upstream/request.ts",
    anchor: "    const waitMs = outcome.waitMs ?? fullJitterDelay(attempt, ctx.deps.random);",
    replacement: "    const waitMs = fullJitterDelay(attempt, ctx.deps.random);",
    tests: [T.retries, T.faults],
  },
  {
    name: "retry.wait-past-deadline",
    breaks:
      "A Retry-After longer than the deadline is slept through instead of failing fast with 429 and retry_after.",
    file: "src/upstream/request.ts",
    anchor: "    if (ctx.deps.now() + waitMs >= ctx.deadline) throw outcome.error;",
    replacement: "",
    tests: [T.retries],
  },
  {
    name: "retry.deadline-ignored-per-attempt",
    breaks: "Each attempt gets the full per-request timeout even when the overall deadline is closer.",
    file: "src/upstream/request.ts",
    anchor: "  const budget = Math.min(ctx.policy.timeoutMs, remaining);",
    replacement: "  const budget = ctx.policy.timeoutMs;",
    tests: [T.retries, T.faults],
  },
  {
    name: "retry.no-jitter",
    breaks: "Backoff drops its jitter: every client retries at the same instants (thundering herd).",
    file: "src/upstream/backoff.ts",
    anchor: "  return Math.floor(random() * ceiling);",
    replacement: "  return Math.floor(ceiling);",
    tests: [T.retries],
  },
  {
    name: "retry.4xx-retried",
    breaks: "A 400 from the upstream is retried like a 5xx (the table says the request itself is wrong).",
    file: "src/upstream/error-map.ts",
    anchor: '    code: "upstream_rejected",\n    status: 400,\n    retried: false,',
    replacement: '    code: "upstream_rejected",\n    status: 400,\n    retried: true,',
    tests: [T.retries, T.errorTable],
  },
  // --- redaction: upstream secrets, API keys, private keys
  {
    name: "redact.secrets-by-value-kept",
    breaks: "Configured secrets (the upstream tokens) are no longer removed from log lines and error text.",
    file: "src/redact.ts",
    anchor: "    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);",
    replacement: "",
    tests: [T.redact, T.upstreamLogging, T.secrets],
  },
  {
    name: "redact.private-key-kept",
    breaks: "A PEM private key in a logged text (an upstream echo) is no longer redacted.",
    file: "src/redact.ts",
    anchor: `  if (out.includes("PRIVATE KEY-----")) out = out.replace(PRIVATE_KEY_PEM, "[REDACTED PRIVATE KEY]");`,
    replacement: "",
    tests: [T.redact, T.secrets],
  },
  {
    name: "redact.sensitive-fields-kept",
    breaks:
      "Structured log fields named like secrets (authorization, private_key, token, ...) are logged as they are.",
    file: "src/redact.ts",
    anchor:
      '        SENSITIVE_FIELD.test(k) && v != null && v !== "" ? REDACTED : redactValue(v, secrets, depth + 1);',
    replacement: "        redactValue(v, secrets, depth + 1);",
    tests: [T.redact],
  },
  {
    name: "redact.logger-unredacted",
    breaks:
      "The logger writes records without redacting them: every secret a record carries reaches the log.",
    file: "src/logger.ts",
    anchor: "      deps.log(redactValue(record, secrets) as Record<string, unknown>);",
    replacement: "      deps.log(record);",
    tests: [T.secrets, T.upstreamLogging],
  },
  {
    name: "redact.upstream-body-unredacted",
    breaks:
      "A failed upstream answer is logged verbatim: a token or key the upstream echoed lands in the log.",
    file: "src/upstream/request.ts",
    anchor: "  const bodyExcerpt = () => redactText(text, secrets).slice(0, LOG_BODY_LIMIT);",
    replacement: "  const bodyExcerpt = () => text.slice(0, LOG_BODY_LIMIT);",
    tests: [T.upstreamLogging, T.secrets],
  },
  {
    name: "redact.upstream-message-unredacted",
    breaks:
      "The provider's error message is quoted to the caller without redaction: an echoed token reaches the answer.",
    file: "src/upstream/request.ts",
    anchor:
      "  const message = info.message ? redactText(info.message, secrets).slice(0, MESSAGE_LIMIT) : undefined;",
    replacement: "  const message = info.message ? info.message.slice(0, MESSAGE_LIMIT) : undefined;",
    tests: [T.upstreamLogging, T.secrets],
  },
  {
    name: "redact.alert-payload-unredacted",
    breaks: "Alert payloads leave without redaction against the configured secrets.",
    file: "src/monitor/alerts/digest.ts",
    anchor: 'import { redactValue } from "../../redact";',
    replacement: "const redactValue = (value: unknown, _secrets?: readonly string[]): unknown => value;",
    tests: [T.alerts],
  },
  {
    name: "pem.encrypted-key-unexplained",
    breaks:
      "An encrypted private key is refused without saying why (it must be unencrypted): the caller cannot fix it.",
    file: "src/providers/gjirafa/pem.ts",
    anchor: `    if (first.label === "ENCRYPTED PRIVATE KEY") return "must be an unencrypted private key";`,
    replacement: "",
    tests: [T.v1Certificates, T.gjirafaPem],
  },
  {
    name: "pem.two-keys-accepted",
    breaks: "A private_key field holding two key blocks is accepted and forwarded.",
    file: "src/providers/gjirafa/pem.ts",
    anchor: `    if (blocks.length !== 1 || !first) return "must be exactly one private key block";`,
    replacement: `    if (!first) return "must be exactly one private key block";`,
    tests: [T.gjirafaPem, T.gjirafaImport],
  },
  // --- monitor: dedupe and reconcile
  {
    name: "dedupe.realert-every-run",
    breaks: "Every open problem is announced again on every run: alerts become repetitions, not transitions.",
    file: "src/monitor/dedupe.ts",
    anchor: '    if (!prev) notify("opened", next);',
    replacement: '    if (!prev || prev) notify("opened", next);',
    tests: [T.alerts],
  },
  {
    name: "dedupe.no-recovery-notice",
    breaks: "A condition that clears is dropped silently: no recovery notice is sent.",
    file: "src/monitor/dedupe.ts",
    anchor: '    if (settled) notify("resolved", { ...prev, last_seen: now });',
    replacement: "    if (settled) continue;",
    tests: [T.alerts],
  },
  {
    name: "dedupe.unchecked-scope-resolves",
    breaks: "Problems of a scope that was not checked this run (budget, failure) are reported resolved.",
    file: "src/monitor/dedupe.ts",
    anchor:
      "    const settled = SOURCE_KINDS.has(prev.kind) ? input.attempted.has(scope) : input.evaluated.has(scope);",
    replacement: "    const settled = true;",
    tests: [T.alerts, T.checks, T.budget],
  },
  {
    name: "dedupe.level-change-silent",
    breaks:
      "An expiry threshold tightening (30 -> 14 -> 7 days) or a quota turning critical sends no escalation.",
    file: "src/monitor/dedupe.ts",
    anchor:
      "    else if (prev.level !== cur.level && !modeOnly(prev, cur)) notify(levelChange(prev, cur), next);",
    replacement: "",
    tests: [T.alerts],
  },
  // --- monitor: checks
  {
    name: "checks.expiry-ladder-loosest",
    breaks:
      "The expiry ladder reports the loosest threshold crossed instead of the tightest (7 days reads as 30).",
    file: "src/monitor/lifetime/classify.ts",
    anchor:
      "  for (const rung of ladder) if (days <= rung && (tightest === null || rung < tightest)) tightest = rung;",
    replacement:
      "  for (const rung of ladder) if (days <= rung && (tightest === null || rung > tightest)) tightest = rung;",
    tests: [T.checks, T.alerts, T.lifetimeClassify],
  },
  {
    name: "checks.expiry-critical-threshold",
    breaks: "A certificate 7 days from expiry is only a warning (critical starts below 7 days).",
    file: "src/monitor/lifetime/classify.ts",
    anchor:
      '  else if (rung !== null && rung <= t.critical_days) [level, severity] = ["critical", "critical"];',
    replacement:
      '  else if (rung !== null && rung < t.critical_days) [level, severity] = ["critical", "critical"];',
    tests: [T.checks, T.lifetimeClassify],
  },
  {
    name: "checks.expired-not-reported",
    breaks: "A certificate past its expiry (still listed active) is not reported as expired.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: '  if (remaining <= 0) level = "expired";',
    replacement: '  if (remaining <= -1_000_000_000_000) level = "expired";',
    tests: [T.checks, T.lifecycle],
  },
  {
    name: "checks.late-renewal-never",
    breaks: "A certificate inside its provider's renewal window and not renewed is never reported late.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: "  const usable = lateMs > 0 ? lateMs : null;",
    replacement: "  const usable = null;",
    tests: [T.checks, T.monitorSandbox],
  },
  {
    name: "checks.stuck-clock-restarts",
    breaks: "The stuck clock restarts on every run, so a pending validation is never reported stuck.",
    file: "src/monitor/evaluate.ts",
    anchor:
      "    const since = prev && prev.provider_status === cert.provider_status ? prev.status_since : now;",
    replacement: "    const since = now;",
    tests: [T.checks],
  },
  {
    name: "checks.stuck-threshold-ignored",
    breaks: "A pending certificate is reported stuck at once, whatever MONITOR_STUCK_HOURS says.",
    file: "src/monitor/checks/status.ts",
    anchor: "  if (isPending(cert) && input.now - input.statusSince >= input.stuckHours * HOUR) {",
    replacement: "  if (isPending(cert)) {",
    tests: [T.checks],
  },
  {
    name: "checks.failed-validation-ignored",
    breaks: "A pack in validation_timed_out (failed) is not reported as a critical failure.",
    file: "src/monitor/checks/status.ts",
    anchor: '  if (cert.status === "failed") {',
    replacement: '  if (cert.status === "failed" && false) {',
    tests: [T.checks],
  },
  {
    name: "checks.quota-warning-never",
    breaks: "A zone's quota nearly used up (over MONITOR_QUOTA_WARN_PERCENT) raises no warning.",
    file: "src/monitor/checks/quota.ts",
    anchor: "  if (!critical && percent < warnPercent) return null;",
    replacement: "  if (!critical) return null;",
    tests: [T.checks, T.alerts],
  },
  {
    name: "checks.quota-exhausted-not-critical",
    breaks:
      "An exhausted quota (used = allocated) is only a warning: new orders fail without a critical alert.",
    file: "src/monitor/checks/quota.ts",
    anchor: "  const critical = used >= allocated;",
    replacement: "  const critical = used > allocated;",
    tests: [T.checks],
  },
  {
    name: "checks.deletion-marker-ignored",
    breaks: "A deletion made through certgate is reported as one made outside certgate.",
    file: "src/monitor/evaluate.ts",
    anchor:
      "      if (!viaCertgate.has(c.nativeId.toLowerCase())) problems.push(deletionProblem(source.scope, c));",
    replacement: "      problems.push(deletionProblem(source.scope, c));",
    tests: [T.checks, T.monitorSandbox],
  },
  {
    name: "checks.deletion-outside-unnoticed",
    breaks:
      "A certificate that disappears from the upstream without a delete through certgate is not reported.",
    file: "src/monitor/checks/disappeared.ts",
    anchor: '    if (!cert) out.push({ nativeId, observed: "disappeared", previous: prev, current: null });',
    replacement: "    if (!cert) continue;",
    tests: [T.checks, T.monitorSandbox],
  },
  {
    name: "checks.remediation-daily-limit-ignored",
    breaks: "Remediation restarts a timed-out pack on every run, past MONITOR_REMEDIATE_MAX_PER_DAY.",
    file: "src/monitor/remediate.ts",
    anchor: "    if (done.length >= input.maxPerDay) continue;",
    replacement: "",
    tests: [T.remediation],
  },
  // --- monitor: subrequest budget and rate limits
  {
    name: "budget.fetch-ignores-cap",
    breaks:
      "The monitor's budgeted fetch sends requests past the run's subrequest cap: a big zone overruns the monitor's budget.",
    file: "src/monitor/budget.ts",
    anchor: "        if (spent >= limit) {",
    replacement: "        if (spent >= limit + 1_000_000) {",
    tests: [T.budgetLarge, T.budgetFetch],
  },
  {
    name: "budget.enrichment-precheck-skipped",
    breaks:
      "Gjirafa enrichment starts fetching details it cannot afford instead of stopping at the budget up front.",
    file: "src/providers/gjirafa/enrich.ts",
    anchor: "  if (ctx.budget && ctx.budget.remaining() < needed) {",
    replacement: "  if (ctx.budget && ctx.budget.remaining() < -1_000_000) {",
    tests: [T.gjirafaEnrich, T.budgetLarge],
  },
  {
    name: "budget.planner-overbooks",
    breaks: "The planner selects scopes past the run's budget (their estimated cost is not counted).",
    file: "src/monitor/plan.ts",
    anchor: "    if (full || cost > left || cost > capOf(source)) {",
    replacement: "    if (full || cost > capOf(source)) {",
    tests: [T.plan, T.budget],
  },
  {
    name: "budget.rotation-not-fair",
    breaks:
      "Rotation ignores when a scope was last attempted: the same scopes are checked every run, others never.",
    file: "src/monitor/plan.ts",
    anchor:
      "    (a, b) => lastAttempt(a) - lastAttempt(b) || (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0),",
    replacement: "    (a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0),",
    tests: [T.budget, T.plan],
  },
  {
    name: "budget.alert-reserve-dropped",
    breaks: "Alert deliveries are not reserved in the budget: checks can spend what the digests need.",
    file: "src/monitor/spend.ts",
    anchor: "    m.subrequestBudget - channels - heartbeat - (m.remediate ? REMEDIATION_RESERVE : 0),",
    replacement: "    m.subrequestBudget - heartbeat - (m.remediate ? REMEDIATION_RESERVE : 0),",
    tests: [T.budget, T.alerts, T.plan],
  },
  {
    name: "budget.rate-limit-cooldown-forgotten",
    breaks: "After a 429 with a long Retry-After, the next run calls the rate-limited provider again.",
    file: "src/monitor/execute.ts",
    anchor: "      cooldown[source.scope.provider] = deps.now() + seconds * 1000;",
    replacement: "      cooldown[source.scope.provider] = deps.now();",
    tests: [T.budget, T.monitorSandbox],
  },
  {
    name: "budget.concurrency-unbounded",
    breaks: "The monitor checks every scope at once instead of at most 6 upstream requests in flight.",
    file: "src/monitor/limiter.ts",
    anchor: "    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));",
    replacement:
      "    if (active >= Number.POSITIVE_INFINITY) await new Promise<void>((resolve) => waiting.push(resolve));",
    tests: [T.budget],
  },
  // --- writes: sent once, idempotent deletes, what the SDK is told
  {
    name: "writes.sdk-told-to-retry",
    breaks:
      "A native order that failed with its outcome unknown (5xx) no longer says X-Should-Retry: false: the official SDK orders again.",
    file: "src/providers/cloudflare/native-routes.ts",
    anchor: `    if (!(err instanceof AppError) || err.status >= 500) c.header("X-Should-Retry", "false");`,
    replacement: "",
    tests: [T.noDoubleOrder, T.cloudflareSdk],
  },
  {
    name: "writes.delete-of-deleted-pack-sent",
    breaks:
      "Deleting a pack that is already deleted or being deleted is sent upstream again (Cloudflare answers 1406).",
    file: "src/providers/cloudflare/instance.ts",
    anchor: "    if (isDeletingStatus(current.result.status)) {",
    replacement: "    if (false) {",
    tests: [T.v1Certificates, T.cloudflareProvider],
  },
  {
    name: "writes.repeat-delete-404",
    breaks:
      "Repeating a DELETE of a certificate certgate already deleted answers 404 instead of already_deleted.",
    file: "src/service/writes.ts",
    anchor: "          (await wasDeletedThroughCertgate(ctx.config.state, scope, id))\n",
    replacement:
      "          (await wasDeletedThroughCertgate(ctx.config.state, scope, id)) &&\n          false\n",
    tests: [T.v1Certificates],
  },
  {
    name: "writes.native-delete-unrecorded",
    breaks:
      "A delete through a native door is not recorded: the monitor reports it as a deletion made outside certgate.",
    file: "src/service/writes.ts",
    anchor: "          if (deletedId) await recordDeletionSafely(ctx, scope, deletedId);",
    replacement: "",
    tests: [T.deletionsThroughDoors],
  },
  {
    name: "writes.unified-delete-unrecorded",
    breaks:
      "A delete through /v1 is not recorded: the monitor reports it as made outside certgate, and a repeat DELETE is a 404.",
    file: "src/service/writes.ts",
    anchor: "      await recordDeletionSafely(ctx, scope, id);\n      await afterWrite(ctx, scope);",
    replacement: "      await afterWrite(ctx, scope);",
    tests: [T.v1Certificates, T.deletionsThroughDoors],
  },
  {
    name: "writes.body-limit-unchecked",
    breaks: "A request body above MAX_BODY_BYTES is read in full and processed instead of answering 413.",
    file: "src/read-body.ts",
    anchor: "    if (size > maxBytes) {",
    replacement: "    if (size > Number.MAX_SAFE_INTEGER) {",
    tests: [T.validation, "test/reliability/fuzz-bodies.test.ts"],
  },
  // --- providers: complete lists, reused details
  {
    name: "provider.cloudflare-lists-active-only",
    breaks:
      "Certgate lists a zone without status=all: pending, failed and expired packs vanish from lists and the monitor.",
    file: "src/providers/cloudflare/client.ts",
    anchor: `    const query: ListQuery = { status: "all", page, per_page: LIST_PAGE_SIZE };`,
    replacement: "    const query: ListQuery = { page, per_page: LIST_PAGE_SIZE };",
    tests: [T.cloudflareProvider, T.v1List],
  },
  {
    name: "provider.cloudflare-first-page-only",
    breaks: "A zone with more than 50 packs is listed from its first page only.",
    file: "src/providers/cloudflare/client.ts",
    anchor: "      if (page >= totalPages) return { items: packs, notes };",
    replacement: "      if (page >= 1) return { items: packs, notes };",
    tests: [T.cloudflareProvider],
  },
  {
    name: "provider.gjirafa-stale-detail-reused",
    breaks:
      "A Gjirafa certificate's detail is reused after its lastModified changed: a renewed expiry is never seen.",
    file: "src/providers/gjirafa/enrich.ts",
    anchor:
      "  if (before.lastModified !== item.lastModified || before.certificateStatus !== item.certificateStatus)",
    replacement: "  if (before.certificateStatus !== item.certificateStatus)",
    tests: [T.gjirafaEnrich],
  },
  {
    name: "provider.gjirafa-detail-failure-hidden",
    breaks:
      "A Gjirafa detail that fails (5xx) drops the certificate from the list instead of failing the load.",
    file: "src/providers/gjirafa/enrich.ts",
    anchor: `      if (isAppError(error) && error.code === "not_found") return { kept: false };`,
    replacement: "      return { kept: false };",
    tests: [T.gjirafaEnrich],
  },
  {
    name: "lists.all-scopes-failing-is-200",
    breaks: "When every scope of a unified list fails, the answer is an empty 200 instead of the failure.",
    file: "src/service/select.ts",
    anchor: "  if (attempted > 0 && failures.length === attempted && first) return first;",
    replacement: "  if (attempted < 0 && failures.length === attempted && first) return first;",
    tests: [T.v1List],
  },
  // --- monitor: report and alert delivery
  {
    name: "report.never-stale",
    breaks:
      "GET /v1/report never says stale, even when the monitor has not run for hours (a dead monitor looks healthy).",
    file: "src/monitor/report-view.ts",
    anchor: "  return now - Date.parse(finishedAt) > 2 * intervalMinutes * 60_000;",
    replacement: "  return now - Date.parse(finishedAt) > 2 * intervalMinutes * 60_000 * 1_000;",
    tests: [T.reportRoute],
  },
  {
    name: "alerts.failed-delivery-dropped",
    breaks:
      "A digest that failed to deliver is dropped instead of kept for the next run: those alerts are lost.",
    file: "src/monitor/alerts/digest.ts",
    anchor: "      if (result.ok) {\n        report.delivered = true;",
    replacement: "      if (result.ok || true) {\n        report.delivered = true;",
    tests: [T.alerts],
  },
  {
    name: "alerts.outbox-not-cleared",
    breaks:
      "The outbox is not cleared after a delivered digest: every later run sends the same alerts again.",
    file: "src/monitor/alerts/digest.ts",
    anchor: "        report.pending = 0;\n        queue = [];",
    replacement: "        report.pending = 0;",
    tests: [T.alerts],
  },
  // --- the native doors' filtering and paging
  {
    name: "native.cloudflare-status-filter-dropped",
    breaks:
      "The native Cloudflare list without status=all returns every pack, not only active ones as Cloudflare does.",
    file: "src/providers/cloudflare/native-routes.ts",
    anchor: '                : read.items.filter((p: unknown) => statusOf(p) === "active");',
    replacement: "                : read.items;",
    tests: [T.nativeCloudflare],
  },
  {
    name: "native.cloudflare-default-page-size",
    breaks: "The native Cloudflare list pages by 50 by default instead of Cloudflare's 20.",
    file: "src/providers/cloudflare/native-routes.ts",
    anchor: "const DEFAULT_PER_PAGE = 20;",
    replacement: "const DEFAULT_PER_PAGE = 50;",
    tests: [T.nativeCloudflare],
  },
  {
    name: "native.paging-off-by-one",
    breaks: "Page 2 starts one item early: items repeat across pages (every paged list, both doors).",
    file: "src/service/select.ts",
    anchor: "  const start = (page - 1) * perPage;",
    replacement: "  const start = Math.max(0, (page - 1) * perPage - 1);",
    tests: [T.nativeCloudflare, T.v1List],
  },
  {
    name: "native.unified-filter-host-ignored",
    breaks: "GET /v1/certificates?host= ignores the host filter and lists everything.",
    file: "src/service/select.ts",
    anchor:
      "    if (!cert.hosts.some((h) => hostMatches(h, wanted) || h.toLowerCase() === wanted)) return false;",
    replacement: "",
    tests: [T.v1List],
  },
  {
    name: "native.gjirafa-version-unchecked",
    breaks: "The native Gjirafa door serves any API version in the path, not only the configured one.",
    file: "src/providers/gjirafa/native-routes.ts",
    anchor: "    if (version !== served) {",
    replacement: "    if (false) {",
    tests: [T.nativeGjirafa],
  },
  // --- the seams: the upstream core's fetch, provider-owned fields, the monitor's stored state
  {
    name: "seams.fetch-refusal-retried",
    breaks:
      "A refusal from the fetch seam (the monitor's budget, a governor) is retried like a connection error instead of being final.",
    file: "src/upstream/request.ts",
    anchor: '    return { ok: false, kind: "connection", error: result.error, final: true, waitMs: null };',
    replacement:
      '    return { ok: false, kind: "connection", error: result.error, final: false, waitMs: null };',
    tests: ["test/upstream/retries.test.ts"],
  },
  {
    name: "seams.foreign-update-field-sent",
    breaks:
      "A PATCH field another provider owns (scope_id on a pack, branding on a Gjirafa certificate) reaches the provider instead of a 422.",
    file: "src/service/certificates.ts",
    anchor: "      if (foreign) {",
    replacement: "      if (foreign && false) {",
    tests: [T.v1Certificates],
  },
  {
    name: "seams.old-state-discarded",
    breaks:
      "A monitor state stored by the previous version (short keys) is discarded on upgrade: every open problem is alerted again.",
    file: "src/monitor/state.ts",
    anchor: "  if (older.success) return withExpiryLifecycles(older.data);",
    replacement: "",
    tests: ["test/monitor/state.test.ts"],
  },
  // --- writes you can prove (issue 14): Idempotency-Key, the audit log, rotation
  {
    name: "writes.replay-calls-upstream",
    breaks:
      "A repeated Idempotency-Key runs the write again instead of replaying the kept answer: a retried order orders twice.",
    file: "src/http/idempotency.ts",
    anchor: "        return replay(begun.response);",
    replacement: "        return next();",
    tests: [T.idempotency],
  },
  {
    name: "writes.payload-mismatch-replayed",
    breaks:
      "The fingerprint leaves the body out: the same key with another order body replays the first answer instead of 422.",
    file: "src/http/idempotency.ts",
    anchor: "      body: await readBodyText(c, config.maxBodyBytes),",
    replacement: '      body: "",',
    tests: [T.idempotency],
  },
  {
    name: "writes.in-flight-runs-twice",
    breaks: "A repeat while the first request still runs is let through: two orders race upstream.",
    file: "src/durable/idempotency-store.ts",
    anchor: '      return { state: "in_flight", since: row.started_at, leaseUntil: row.lease_until };',
    replacement: '      return { state: "new", attempt: row.attempt, takenOverFrom: null };',
    tests: [T.idempotency],
  },
  {
    name: "writes.payload-kept",
    breaks:
      "The kept answer carries the request body too (and unredacted): an import's private key sits in the store for 24 h.",
    file: "src/http/idempotency.ts",
    anchor: '  const body = redactText(await response.clone().text(), c.get("config").secrets);',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the replacement is source text
    replacement: '  const body = `${c.get("bodyText") ?? ""}${await response.clone().text()}`;',
    tests: [T.idempotency],
  },
  {
    name: "writes.outcome-unknown-not-kept",
    breaks:
      "An order whose outcome is unknown (502) frees its key: the retry with the same key orders a second pack.",
    file: "src/http/idempotency.ts",
    anchor: '  return code === "upstream_outcome_unknown" || code === "internal_error";',
    replacement: '  return code === "internal_error";',
    tests: [T.idempotency],
  },
  {
    name: "writes.refused-writes-not-audited",
    breaks: "Refused writes (403, 409, 422, 429) leave no audit record: only successes are in the log.",
    file: "src/http/audit.ts",
    anchor: '    const replayed = c.get("idempotentReplay") === true;',
    replacement:
      '    if (c.res.status >= 400) return;\n    const replayed = c.get("idempotentReplay") === true;',
    tests: [T.audit],
  },
  {
    name: "writes.unauthenticated-not-audited",
    breaks: "A 401 to a write (before any route runs) leaves no audit record.",
    file: "src/http/audit.ts",
    anchor: "    if (c.res.status !== 401) return;",
    replacement: "    if (c.res.status !== 403) return;",
    tests: [T.audit],
  },
  {
    name: "writes.unauthenticated-flood-unbounded",
    breaks: "Every 401 to a write is its own audit row: an anonymous flood writes one row per request.",
    file: "src/http/audit.ts",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the anchor is source text
    anchor: "    const id = `u401-${window}-${digest.slice(0, 24)}`;",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the replacement is source text
    replacement: "    const id = `u401-${crypto.randomUUID()}`;",
    tests: [T.audit],
  },
  {
    name: "writes.audit-scope-filter-ignored",
    breaks:
      "GET /v1/audit?scope= ignores the scope: the admin's question 'what happened to this zone' gets every zone.",
    file: "src/routes/v1/audit.ts",
    anchor: "        const filters: AuditFilters = rest;",
    replacement: "        const filters: AuditFilters = { ...rest, scope: undefined };",
    tests: [T.audit],
  },
  {
    name: "writes.audit-not-admin-only",
    breaks: "GET /v1/audit is open to any key that may read certificates, not to admins only.",
    file: "src/routes/v1/audit.ts",
    anchor: '      access: "admin",',
    replacement: '      access: "certificates:read",',
    tests: [T.audit],
  },
  {
    name: "writes.rotation-deletes-before-active",
    breaks:
      "The rotation takes a replacement still pending validation for a serving one, and deletes the old pack before the new one is active.",
    file: "src/rotation/rules.ts",
    anchor: 'const SERVING = new Set(["active", "backup_issued"]);',
    replacement: 'const SERVING = new Set(["active", "backup_issued", "pending_validation"]);',
    tests: [T.rotationInvariant, T.rotationGateway],
  },
  {
    name: "writes.rotation-quota-unchecked",
    breaks: "A rotation starts in a zone whose quota has no room instead of answering 409 quota_exhausted.",
    file: "src/rotation/start.ts",
    anchor: "  if (!hasRoom(quota)) {",
    replacement: "  if (false) {",
    tests: [T.rotationGateway],
  },
  // --- issue 12: the monitor for the 47-day era (lifetime model, policies, acknowledgements, lease, heartbeat).
  // `npm run mutate -- lifetime. policy. acks. lease. heartbeat.` runs this block.
  {
    name: "lifetime.window-ignores-share",
    breaks:
      "The renewal window ignores the policy's share (always half the validity): alerts open at the wrong time.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: "Math.max(t.renewal_window_share * validity.ms, providerMs ?? 0)",
    replacement: "Math.max(0.5 * validity.ms, providerMs ?? 0)",
    tests: [T.lifetimeClassify, T.lifetimeProperties],
  },
  {
    name: "lifetime.critical-while-provider-on-schedule",
    breaks:
      "A 1-year pack turns critical at 36.5 days left although Cloudflare renews it at 30: a false critical.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: "Math.min(floorMs, windowMs, lateMs ?? Number.POSITIVE_INFINITY)",
    replacement: "Math.min(floorMs, windowMs)",
    tests: [T.lifetimeClassify],
  },
  {
    name: "lifetime.late-without-grace",
    breaks:
      "A certificate is called late the moment its provider's renewal point passes, without the day it takes to renew.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: "Math.round((renewal.renewal_days - renewal.grace_days) * DAY_MS)",
    replacement: "Math.round(renewal.renewal_days * DAY_MS)",
    tests: [T.lifetimeClassify],
  },
  {
    name: "lifetime.imported-due-is-info",
    breaks:
      "An imported certificate nobody renews enters its window as `info` (sent nowhere): nobody is asked to act.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: 'return providerRenews ? "info" : "warning";',
    replacement: 'return "info";',
    tests: [T.lifetimeClassify, T.lifetimeProperties, T.lifecycle],
  },
  {
    name: "lifetime.floor-min-days-ignored",
    breaks: "The critical floor's minimum days is ignored: a short certificate turns critical too late.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: "t.critical_floor_min_days * DAY_MS",
    replacement: "0",
    tests: [T.lifetimeClassify],
  },
  {
    name: "lifetime.floor-not-capped-at-window",
    breaks:
      "The critical floor may come before the renewal window opens: critical before anyone was told to renew.",
    file: "src/monitor/lifetime/classify.ts",
    anchor: "Math.min(floorMs, windowMs, lateMs ?? Number.POSITIVE_INFINITY)",
    replacement: "Math.min(floorMs, lateMs ?? Number.POSITIVE_INFINITY)",
    tests: [T.lifetimeClassify, T.lifetimeProperties],
  },
  {
    name: "lifetime.gjirafa-30-days-whatever-the-validity",
    breaks:
      "A short Gjirafa certificate is assumed renewed 30 days out whatever its validity: late the day after issuance.",
    file: "src/providers/gjirafa/renewal.ts",
    anchor: "Math.min(30, validityDays / 3)",
    replacement: "30",
    tests: [T.lifetimeClassify, T.lifetimeProperties],
  },
  {
    name: "lifetime.provider-validity-over-own-dates",
    breaks: "The provider's declared validity wins over the certificate's own dates (what browsers enforce).",
    file: "src/monitor/lifetime/validity.ts",
    anchor: "if (notBefore !== null && notBefore < expiresAt) {",
    replacement: "if (notBefore !== null && notBefore < expiresAt && cert.validity_days === null) {",
    tests: [T.lifetimeClassify],
  },
  {
    name: "lifetime.absolute-late-hidden",
    breaks: "On the fixed ladder a provider missing its renewal is hidden behind the rung (no late alert).",
    file: "src/monitor/lifetime/classify.ts",
    anchor: 'else if (late) [level, severity] = ["late", "warning"];',
    replacement: 'else if (late && rung === null) [level, severity] = ["late", "warning"];',
    tests: [T.lifetimeClassify, T.lifecycle],
  },
  {
    name: "lifetime.ladder-by-default",
    breaks:
      "Without MONITOR_EXPIRY_DAYS the fixed ladder still applies: a 47-day certificate is expiring for most of its life.",
    file: "src/monitor/policies.ts",
    anchor: "  if (monitor.expiryDays === null) return BUILTIN_POLICY;",
    replacement:
      "  if (monitor.expiryDays === null) return { ...BUILTIN_POLICY, thresholds: DEFAULT_ABSOLUTE_THRESHOLDS };",
    tests: [T.checks, T.lifecycle],
  },
  {
    name: "lifetime.provider-renewal-not-from-registry",
    breaks: "The monitor ignores the provider's renewal rule from the registry: no certificate is ever late.",
    file: "src/monitor/evaluate.ts",
    anchor: "    renewal: (input: Parameters<typeof descriptor.renewal>[0]) => descriptor.renewal(input),",
    replacement: "    renewal: () => ({ renewal_days: null, grace_days: 1 }),",
    tests: [T.checks, T.lifecycle],
  },
  {
    name: "lifetime.level-rise-not-escalated",
    breaks:
      "A move to a worse expiry level at the same severity (late -> critical on the ladder's rung) reads as de-escalated.",
    file: "src/monitor/dedupe.ts",
    anchor: '  if (rank !== 0) return rank > 0 ? "escalated" : "deescalated";',
    replacement: '  if (rank !== 0) return rank > 0 ? "deescalated" : "escalated";',
    tests: [T.lifecycle, T.acks],
  },
  {
    name: "policy.floor-over-window-accepted",
    breaks:
      "A policy whose critical floor is not under its window is accepted: critical comes before the window.",
    file: "src/monitor/lifetime/policy.ts",
    anchor: 'r.mode === "lifetime" && r.critical_floor_share >= r.renewal_window_share',
    replacement: 'r.mode === "lifetime" && r.critical_floor_share > 1',
    tests: [T.lifetimePolicy, T.configLoad],
  },
  {
    name: "policy.default-over-scope",
    breaks: "A zone's or project's own policy is ignored: the default decides for every scope.",
    file: "src/monitor/lifetime/policy.ts",
    anchor: 'return scoped === undefined ? withDefault : mergeEntry(withDefault, scoped, "scope");',
    replacement: "return withDefault;",
    tests: [T.lifetimePolicy, T.checks],
  },
  {
    name: "policy.runbook-plain-http",
    breaks: "A plain-http runbook URL is accepted.",
    file: "src/monitor/lifetime/policy.ts",
    anchor: "protocol: /^https$/",
    replacement: "protocol: /^https?$/",
    tests: [T.lifetimePolicy, T.configLoad],
  },
  {
    name: "policy.ids-case-sensitive",
    breaks: "A policy for a zone id written in capitals never matches the (lower-case) zone.",
    file: "src/monitor/lifetime/policy.ts",
    anchor:
      "const scoped = Object.hasOwn(byId, scopeId.toLowerCase()) ? byId[scopeId.toLowerCase()] : undefined;",
    replacement: "const scoped = Object.hasOwn(byId, scopeId) ? byId[scopeId] : undefined;",
    tests: [T.lifetimePolicy],
  },
  {
    name: "policy.owner-not-stamped",
    breaks: "Alerts, digest lines and report entries lose the scope's owner and runbook.",
    file: "src/monitor/policies.ts",
    anchor: "      return { ...problem, owner, runbook };",
    replacement: "      return problem;",
    tests: [T.checks, T.lifecycle],
  },
  {
    name: "policy.channels-ignored",
    breaks:
      "Every notification goes to every channel whatever the policy routes (Slack gets the warnings and infos).",
    file: "src/monitor/run.ts",
    anchor: "    routes: (n) => run.policies.channels(n.problem),",
    replacement: '    routes: () => ["webhook", "slack"],',
    tests: [T.checks, T.lifecycle],
  },
  {
    name: "acks.expiry-ignored",
    breaks: "An acknowledgement never expires: a muted problem stays out of the digests after `until`.",
    file: "src/monitor/acks.ts",
    anchor: '  if (now >= ack.until) return "expired";',
    replacement: "",
    tests: [T.acks],
  },
  {
    name: "acks.scope-unchecked",
    breaks: "A key limited to some zones acknowledges (mutes) problems of other zones.",
    file: "src/routes/v1/report-acks.ts",
    anchor: "        assertAllowed(principal, scope);",
    replacement: "",
    tests: [T.acks],
  },
  {
    name: "acks.severity-rise-stays-muted",
    breaks: "A muted warning that turns critical stays muted: the escalation is never sent.",
    file: "src/monitor/acks.ts",
    anchor: '  if (severityRank(problem.severity) > severityRank(ack.severity)) return "severity_rose";',
    replacement: "",
    tests: [T.acks],
  },
  {
    name: "acks.replaced-certificate-keeps-ack",
    breaks:
      "A certificate replaced under the same id and expiry inherits the old acknowledgement: its new problem is muted.",
    file: "src/monitor/acks.ts",
    anchor:
      '  if ((problem.details.issued_certificate ?? null) !== ack.issued_certificate) return "replaced";',
    replacement: "",
    tests: [T.acks],
  },
  {
    name: "acks.replaced-certificate-same-lifecycle",
    breaks:
      "A certificate replaced under the same id and expiry keeps the old dedupe record: its new lifecycle is not announced.",
    file: "src/monitor/dedupe.ts",
    anchor: "  return a !== undefined && b !== undefined && a !== b;",
    replacement: "  return false;",
    tests: [T.acks],
  },
  {
    name: "acks.muted-still-sent",
    breaks: "Acknowledging changes nothing: notifications about a muted problem still go to the digests.",
    file: "src/monitor/acks.ts",
    anchor: "    if (muted) {\n      out.muted += 1;\n      continue;\n    }",
    replacement: "",
    tests: [T.acks],
  },
  {
    name: "acks.read-key-may-ack",
    breaks: "A reports:read key can acknowledge (mute) problems.",
    file: "src/routes/v1/report-acks.ts",
    anchor: '      access: "reports:ack",\n      audit: "report.ack",',
    replacement: '      access: "reports:read",\n      audit: "report.ack",',
    tests: [T.acks, T.authRoutes],
  },
  {
    name: "acks.not-audited",
    breaks: "Removing an acknowledgement leaves no audit record: who unmuted a problem cannot be found.",
    file: "src/routes/v1/report-acks.ts",
    anchor: '      audit: "report.unack",\n',
    replacement: "",
    tests: [T.acks],
  },
  {
    name: "acks.end-of-mute-silent",
    breaks:
      "When a mute ends (expired, removed) nothing says so: a problem still open stays silent until it changes.",
    file: "src/monitor/acks.ts",
    anchor:
      "    if (!wasMuted || activeByFingerprint.has(p.fingerprint) || told.has(p.fingerprint)) continue;",
    replacement: "    continue;",
    tests: [T.acks],
  },
  {
    name: "lease.not-exclusive",
    breaks: "A run ignores a lease held by another run: concurrent runs overwrite each other's state.",
    file: "src/monitor/lease.ts",
    anchor: "  if (!answer.ok) return { ok: false, holder: answer.holder };",
    replacement: "",
    tests: [T.lease],
  },
  {
    name: "lease.ttl-outlives-interval",
    breaks:
      "A dead run's lease outlives the next cron: one dead run silences the monitor for another interval.",
    file: "src/monitor/lease.ts",
    anchor: "  return Math.min(10 * MINUTE, Math.max(MINUTE, Math.floor((intervalMinutes * MINUTE) / 2)));",
    replacement: "  return intervalMinutes * MINUTE + MINUTE;",
    tests: [T.lease],
  },
  {
    name: "lease.lost-lease-still-acts",
    breaks:
      "A run that outlived its lease still alerts and writes STATE over the run that took the lease over.",
    file: "src/monitor/run.ts",
    anchor:
      '  if (!(await dependency("lease (Durable Object MONITOR_LEASE)", () => run.lease.renew(deps.now())))) {',
    replacement: "  if (false) {",
    tests: [T.lease],
  },
  {
    name: "lease.cron-skip-fails",
    breaks:
      "A cron that meets a running run fails (an error in Cron Events) instead of skipping quietly with a log line.",
    file: "src/monitor/scheduled.ts",
    anchor: '      if (isAppError(error) && error.code === "monitor_busy") {',
    replacement: "      if (false) {",
    tests: [T.lease],
  },
  {
    name: "heartbeat.fail-never-signalled",
    breaks: "The heartbeat says success after a run that could not check a scope.",
    file: "src/monitor/run.ts",
    anchor:
      '    allScopesChecked: run.sources.every((s) => outcomes.byScope.get(s.key)?.outcome === "checked"),',
    replacement: "    allScopesChecked: true,",
    tests: [T.lifecycle, T.budget],
  },
  {
    name: "heartbeat.not-reserved",
    breaks: "The heartbeat is not reserved in the budget: checks spend it and the ping is not sent.",
    file: "src/monitor/spend.ts",
    anchor: "  const heartbeat = m.heartbeatUrl ? 1 : 0;",
    replacement: "  const heartbeat = 0;",
    tests: [T.budget],
  },
  {
    name: "heartbeat.url-not-secret",
    breaks: "The heartbeat URL (whoever has it can ping) is not redacted as a secret.",
    file: "src/config/monitor.ts",
    anchor:
      "  return redactable([config.monitor.webhookUrl, config.monitor.slackWebhookUrl, config.monitor.heartbeatUrl]);",
    replacement: "  return redactable([config.monitor.webhookUrl, config.monitor.slackWebhookUrl]);",
    tests: [T.configLoad],
  },
  {
    name: "heartbeat.slash-doubled",
    breaks: "A heartbeat URL with a trailing slash gets `//fail`, which the service does not know.",
    file: "src/monitor/lifetime/heartbeat.ts",
    anchor: '  while (path.endsWith("/")) path = path.slice(0, -1);\n',
    replacement: "",
    tests: [T.lifetimeHeartbeat],
  },
  {
    name: "heartbeat.fail-after-query",
    breaks:
      "`/fail` is appended after the query string (`?rid=42/fail`): the failure is reported as a success.",
    file: "src/monitor/lifetime/heartbeat.ts",
    anchor: "  let path = url.pathname;",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the replacement is source text, not a template
    replacement: "  return `${configured}/fail`;\n  let path = url.pathname;",
    tests: [T.lifetimeHeartbeat],
  },
  {
    name: "heartbeat.cronitor-telemetry-path",
    breaks: "A Cronitor Telemetry URL gets a `/fail` segment (another monitor) instead of `?state=fail`.",
    file: "src/monitor/lifetime/heartbeat.ts",
    anchor: "  if (isCronitorTelemetry(url)) {",
    replacement: '  if (isCronitorTelemetry(url) && url.port === "1") {',
    tests: [T.lifetimeHeartbeat],
  },
  // --- issue 11: upstream budget (governed fetch, UpstreamBudget object, per-key allowance, reserve,
  // upstream blocks, no-cache minimum refresh, cached single reads and quota, /v1/usage)
  {
    name: "upstream-budget.key-allowance-unenforced",
    breaks:
      "A key's upstream calls per minute are not capped: one noisy read key spends the whole budget alone.",
    file: "src/durable/upstream-budget.ts",
    anchor:
      '      caller.kind === "key" ? Math.max(0, caller.perMinute - state.key_used) : Number.POSITIVE_INFINITY;',
    replacement: "      Number.POSITIVE_INFINITY;",
    tests: ["test/durable/upstream-budget.test.ts", "test/budget/gateway.test.ts"],
  },
  {
    name: "upstream-budget.own-allowance-ignored",
    breaks: "An API_KEYS entry's own upstream_per_minute is ignored: every key gets KEY_UPSTREAM_PER_MINUTE.",
    file: "src/service/context.ts",
    anchor: "    perMinute: principal.upstreamPerMinute ?? ctx.config.budget.keyPerMinute,",
    replacement: "    perMinute: ctx.config.budget.keyPerMinute,",
    tests: ["test/budget/cached-reads.test.ts"],
  },
  {
    name: "upstream-budget.monitor-reserve-not-kept",
    breaks:
      "API callers may spend the monitor's reserve: a storm of callers leaves the monitor run nothing (it goes blind).",
    file: "src/durable/upstream-budget.ts",
    anchor: "          : limitPer5Min - reserveOf(limitPer5Min, reservePercent);",
    replacement: "          : limitPer5Min;",
    tests: ["test/durable/upstream-budget.test.ts", "test/budget/gateway.test.ts"],
  },
  {
    name: "upstream-budget.global-cap-off-by-one",
    breaks: "One permit more than the budget is granted per 5-minute window: the cap is exceeded.",
    file: "src/durable/upstream-budget.ts",
    anchor: "    const globalRoom = Math.max(0, cap - state.used);",
    replacement: "    const globalRoom = Math.max(0, cap - state.used + 1);",
    tests: ["test/durable/upstream-budget.test.ts", "test/budget/gateway.test.ts"],
  },
  {
    name: "upstream-budget.block-spares-monitor",
    breaks:
      "During an upstream block the monitor still calls the upstream (as if it had priority): Cloudflare's lockout is prolonged.",
    file: "src/durable/upstream-budget.ts",
    anchor: "    const blocked = state.blocked_until !== null && now < state.blocked_until;",
    replacement:
      '    const blocked = state.blocked_until !== null && now < state.blocked_until && caller.kind === "key";',
    tests: ["test/durable/upstream-budget.test.ts"],
  },
  {
    name: "upstream-budget.block-not-shared",
    breaks:
      "An upstream 429 or `Ratelimit: r=0` is not passed to the shared object: other requests and isolates keep calling.",
    file: "src/upstream/governor.ts",
    anchor: "    if (block) {",
    replacement: "    if (block && false) {",
    tests: ["test/upstream/governor.test.ts", "test/budget/gateway.test.ts"],
  },
  {
    name: "upstream-budget.retry-after-ignored",
    breaks:
      "A 429's Retry-After is not read: the block lasts the 5-minute default instead of what the upstream said.",
    file: "src/upstream/rate-limit-headers.ts",
    anchor: '    if (retryAfter !== null) return { untilMs: now + retryAfter, source: "429 Retry-After" };',
    replacement: "",
    tests: ["test/upstream/governor.test.ts", "test/budget/gateway.test.ts"],
  },
  {
    name: "upstream-budget.refusal-without-retry-after",
    breaks:
      "certgate's own 429 (a key over its allowance, the budget spent, a block) carries no Retry-After.",
    file: "src/upstream/governor.ts",
    anchor: "  const details = { provider: o.provider, retry_after: retryAfter };",
    replacement: "  const details = { provider: o.provider };",
    tests: [
      "test/upstream/governor.test.ts",
      "test/budget/gateway.test.ts",
      "test/providers/cloudflare/sdk.test.ts",
    ],
  },
  {
    name: "upstream-budget.key-refusal-as-upstream",
    breaks:
      "A key over its own allowance is told `upstream_rate_limited` (and served stale) instead of `rate_limited` with its RateLimit headers.",
    file: "src/upstream/governor.ts",
    anchor: '  if (refused?.reason === "key_limit" && o.caller.kind === "key") {',
    replacement: '  if (refused?.reason === "key_limit" && o.caller.kind === "monitor") {',
    tests: [
      "test/upstream/governor.test.ts",
      "test/budget/gateway.test.ts",
      "test/providers/cloudflare/sdk.test.ts",
    ],
  },
  {
    name: "upstream-budget.ratelimit-headers-dropped",
    breaks:
      "certgate's 429 loses its RateLimit-Policy / RateLimit headers: a client cannot see its allowance or when it frees.",
    file: "src/middleware/on-error.ts",
    anchor: "  const headers: Record<string, string> = { ...err.headers };",
    replacement: "  const headers: Record<string, string> = {};",
    tests: ["test/budget/refusals.test.ts"],
  },
  {
    name: "upstream-budget.door-code-wrong",
    breaks:
      "The native Cloudflare door answers a key's `rate_limited` with the upstream_rate_limited integer code.",
    file: "src/providers/cloudflare/envelope.ts",
    anchor: "  rate_limited: 71026,",
    replacement: "  rate_limited: 71013,",
    tests: ["test/budget/gateway.test.ts", "test/providers/cloudflare/sdk.test.ts"],
  },
  {
    name: "upstream-budget.caller-refusal-served-stale",
    breaks:
      "A key over its own allowance gets a stale cached list instead of its 429: a noisy client never learns to slow down.",
    file: "src/cache/list-cache.ts",
    anchor: "        if (isCallerRefusal(error)) throw error;",
    replacement: "",
    tests: ["test/cache/coalesce.test.ts"],
  },
  {
    name: "upstream-budget.no-cache-min-refresh-ignored",
    breaks:
      "Every `Cache-Control: no-cache` read reloads the scope: CACHE_MIN_REFRESH_SECONDS has no effect (no-cache amplifies).",
    file: "src/cache/freshness.ts",
    anchor: "    if (afterWrite && input.fetchedAt !== null && input.now - input.fetchedAt < minRefreshMs) {",
    replacement: "    if (false) {",
    tests: ["test/cache/freshness.test.ts", "test/budget/gateway.test.ts"],
  },
  {
    name: "upstream-budget.min-refresh-hides-write",
    breaks:
      "A no-cache read right after a write gets the load made before it (the minimum refresh ignores the write).",
    file: "src/cache/freshness.ts",
    anchor:
      "      input.fetchedAt !== null && (input.invalidatedAt === null || input.fetchedAt > input.invalidatedAt);",
    replacement: "      input.fetchedAt !== null;",
    tests: ["test/cache/freshness.test.ts"],
  },
  {
    name: "upstream-budget.single-read-uncached",
    breaks:
      "A single-pack GET always asks Cloudflare, even when its zone's fresh cached list holds the pack.",
    file: "src/service/reads.ts",
    anchor: "    if (target.descriptor.listedItemsComplete !== true) return null;",
    replacement: "    return null;",
    tests: ["test/budget/cached-reads.test.ts"],
  },
  {
    name: "upstream-budget.single-read-ignores-write",
    breaks:
      "A single read is served from the cached list even after a write invalidated it: the writer reads its old pack.",
    file: "src/cache/list-cache.ts",
    anchor: '      return entry && decision.action === "hit" ? result(ctx, entry, "HIT") : null;',
    replacement: '      return entry ? result(ctx, entry, "HIT") : null;',
    tests: ["test/budget/cached-reads.test.ts"],
  },
  {
    name: "upstream-budget.native-quota-uncached",
    breaks:
      "The native Cloudflare quota GET always reloads (as with no-cache) instead of using the quota cache.",
    file: "src/providers/cloudflare/native-routes.ts",
    anchor:
      "        const read = await service.readQuota(serviceContext(c), scope, wantsBypass(c.req.raw.headers));",
    replacement: "        const read = await service.readQuota(serviceContext(c), scope, true);",
    tests: ["test/budget/cached-reads.test.ts"],
  },
  {
    name: "upstream-budget.refusals-not-counted",
    breaks:
      "Refused calls are not counted per key: /v1/usage shows no refusals and every refusal logs `key_rate_limited` again.",
    file: "src/durable/upstream-budget.ts",
    anchor:
      "    if (keyName !== null) sql.exec(ADD_KEY_SQL, keyName, second, granted, granted === 0 ? 1 : 0);",
    replacement: "    if (keyName !== null) sql.exec(ADD_KEY_SQL, keyName, second, granted, 0);",
    tests: ["test/durable/upstream-budget.test.ts", "test/budget/cached-reads.test.ts"],
  },
  {
    name: "upstream-budget.usage-counts-refusals-as-calls",
    breaks: "GET /v1/usage reports a caller's refused requests as upstream calls it caused.",
    file: "src/service/usage.ts",
    anchor: "          upstream_calls_this_minute: k.permitsThisMinute,",
    replacement: "          upstream_calls_this_minute: k.permitsThisMinute + k.refusalsThisMinute,",
    tests: ["test/budget/cached-reads.test.ts"],
  },
  {
    name: "upstream-budget.usage-reserve-as-percent",
    breaks:
      "GET /v1/usage reports the monitor's reserve as MONITOR_RESERVE_PERCENT instead of a number of calls.",
    file: "src/service/usage.ts",
    anchor: "      reserve: usage.window.reserve,",
    replacement: "      reserve: monitorReservePercent,",
    tests: ["test/budget/gateway.test.ts"],
  },
  {
    name: "upstream-budget.lease-outlives-second",
    breaks:
      "A leased permit is used after the second it was granted in: a window of calls can hold more than the object granted for it.",
    file: "src/upstream/permit-lease.ts",
    anchor: "      if (entry.second === second && entry.left > 0) {",
    replacement: "      if (entry.left > 0) {",
    tests: ["test/upstream/permit-lease.test.ts"],
  },
  {
    name: "upstream-budget.sandbox-block-forgotten",
    breaks:
      "The Cloudflare simulator forgets its 5-minute block: a caller over the limit is let back in when its window resets.",
    file: "sandbox/cloudflare/rate-limit.ts",
    anchor:
      "      if (at < entry.blockedUntil) return refuse(Math.max(1, Math.ceil((entry.blockedUntil - at) / 1000)));",
    replacement: "",
    tests: ["test/sandbox/cloudflare-rate-limit.test.ts"],
  },
  // --- issue 13: metrics and status page
  {
    name: "metrics.label-value-unescaped",
    breaks:
      "A label value with a quote, backslash or newline (an issuer CN, a provider status) is written raw: the whole exposition stops parsing in Prometheus.",
    file: "src/metrics/exposition.ts",
    anchor: "    const escaped = NEEDS_LABEL_ESCAPE.test(value) ? escapeWith(value, LABEL_ESCAPES) : value;",
    replacement: "    const escaped = value;",
    tests: ["test/views/render.test.ts"],
  },
  {
    name: "metrics.not-after-in-milliseconds",
    breaks:
      "x509_cert_not_after is written in milliseconds instead of seconds: every expiry alert (not_after - time()) fires never.",
    file: "src/metrics/render.ts",
    anchor: "seconds(c.expiresMs)",
    replacement: "c.expiresMs",
    tests: ["test/views/metrics-route.test.ts", "test/views/render.test.ts"],
  },
  {
    name: "metrics.expired-flag-frozen",
    breaks:
      "The series written for a list are reused past a certificate's expiry: x509_cert_expired stays 0 after it expired until the list changes.",
    file: "src/metrics/render.ts",
    anchor: "    if (known && now >= known.writtenAt && now < known.validUntil) return known;",
    replacement: "    if (known) return known;",
    tests: ["test/views/render.test.ts"],
  },
  {
    name: "metrics.first-scope-series-missing",
    breaks: "The certificate series of the first zone the key may see are left out of every scrape.",
    file: "src/metrics/render.ts",
    anchor: "    const series = inventory.scopes.map((s) => seriesOf(s.certificates, now));",
    replacement: "    const series = inventory.scopes.slice(1).map((s) => seriesOf(s.certificates, now));",
    tests: ["test/views/metrics-route.test.ts"],
  },
  {
    name: "metrics.public-without-key",
    breaks:
      "GET /metrics answers anyone without a key, with every zone's certificates and the monitor's problems.",
    file: "src/routes/metrics.ts",
    anchor: '      access: "reports:read",',
    replacement: '      access: "public",',
    tests: ["test/views/metrics-route.test.ts"],
  },
  {
    name: "metrics.cold-cache-calls-upstream",
    breaks:
      "A scrape whose scope has no cached list lists it from the upstream: every 15 s scrape costs upstream requests (and rate limit).",
    file: "src/inventory/inventory.ts",
    anchor: "    return listCache.peek(cacheCtx, { scope: target.scope }, parse);",
    replacement: [
      "    const peeked = await listCache.peek(cacheCtx, { scope: target.scope }, parse);",
      "    if (peeked) return peeked;",
      '    const { upstreamContext } = await import("../service/context");',
      "    const listed = await target.provider.instance.listAll(",
      '      upstreamContext({ deps: deps as never, config, requestId: "metrics" }),',
      "      target.scope.id,",
      "    );",
      '    return { items: listed.items, notes: listed.notes, fetchedAt: now, source: "memory" };',
    ].join("\n"),
    tests: ["test/views/metrics-route.test.ts"],
  },
  {
    name: "metrics.blind-scope-reported-ok",
    breaks:
      "A zone or project the monitor could not read is exported as read (scope error 0, no read error): the blind-monitor alert never fires.",
    file: "src/metrics/render.ts",
    anchor: "      const failed = report?.error ? 1 : 0;",
    replacement: "      const failed = 0;",
    tests: ["test/views/metrics-route.test.ts"],
  },
  {
    name: "metrics.refresh-window-ignored",
    breaks:
      "Every scrape reads the report and every list from KV again, whatever METRICS_REFRESH_SECONDS says: KV reads grow with the scrape rate.",
    file: "src/routes/metrics.ts",
    anchor: "          { maxAgeMs: config.metrics.refreshSeconds * 1000 },",
    replacement: "          { maxAgeMs: 0 },",
    tests: ["test/views/metrics-sources.test.ts"],
  },
  {
    name: "views.other-zones-visible",
    breaks:
      "/metrics and /status show every configured zone and project, not only those of the key (a zone-limited key reads everything).",
    file: "src/inventory/inventory.ts",
    anchor: "        if (allowsScope(principal, scope)) out.push({ provider, scope });",
    replacement: "        out.push({ provider, scope });",
    tests: ["test/views/metrics-route.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "views.problems-unfiltered",
    breaks:
      "The monitor's problems of every zone are counted in /metrics and listed on /status, whatever zones the key may see.",
    file: "src/inventory/inventory.ts",
    anchor: "      problems: (report?.problems ?? []).filter((p) => allowsScope(principal, p.scope)),",
    replacement: "      problems: report?.problems ?? [],",
    tests: ["test/views/metrics-route.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "status.cookie-not-httponly",
    breaks:
      "The status session cookie is readable by page scripts (no HttpOnly): an injected script could steal it.",
    file: "src/auth/session-cookie.ts",
    anchor: "; HttpOnly; SameSite=Strict",
    replacement: "; SameSite=Strict",
    tests: ["test/auth/session-cookie.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "status.cookie-samesite-lax",
    breaks:
      "The status session cookie is SameSite=Lax: another site's links and top-level navigations carry it.",
    file: "src/auth/session-cookie.ts",
    anchor: "; HttpOnly; SameSite=Strict",
    replacement: "; HttpOnly; SameSite=Lax",
    tests: ["test/auth/session-cookie.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "status.cookie-never-secure",
    breaks: "The status session cookie is sent without Secure over HTTPS too: a plain-http request leaks it.",
    file: "src/auth/session-cookie.ts",
    anchor: '  const secure = isLoopbackHttp(url) ? "" : "; Secure";',
    replacement: '  const secure = "";',
    tests: ["test/auth/session-cookie.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "status.session-signature-unchecked",
    breaks:
      "A session cookie with a wrong or forged signature is accepted: anyone can write their own grants.",
    file: "src/auth/session-cookie.ts",
    anchor: '  if (!valid) return { ok: false, reason: "bad_signature" };',
    replacement: "",
    tests: ["test/auth/session-cookie.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "status.expired-session-accepted",
    breaks: "A session cookie past its signed expiry still opens the page (a stolen cookie works forever).",
    file: "src/auth/session-cookie.ts",
    anchor: '  if (parsed.data.exp <= now) return { ok: false, reason: "expired" };',
    replacement: "",
    tests: ["test/auth/session-cookie.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "status.session-widened-by-keys",
    breaks:
      "A session takes the current grants of its key instead of the intersection with what it was signed with: widening a key widens old sessions.",
    file: "src/auth/status-session.ts",
    anchor: "  return intersectPrincipals(entry.name, signed, current);",
    replacement: "  return { ...current, name: entry.name };",
    tests: ["test/auth/session-cookie.test.ts", "test/views/status-page.test.ts"],
  },
  {
    name: "status.cookie-authorizes-every-route",
    breaks:
      "The status session cookie authenticates every route, writes included (a read-only browser session can order or delete certificates).",
    file: "src/auth/browser-credentials.ts",
    anchor: "      case undefined:\n        return null;",
    replacement: "      case undefined:\n        return fromSession(c);",
    tests: ["test/views/status-page.test.ts"],
  },
  {
    name: "status.cross-site-sign-in",
    breaks:
      "Another site can post the sign-in form with a key of its choosing (login CSRF): the Origin is not checked.",
    file: "src/auth/browser-credentials.ts",
    anchor: '    assertSameOrigin(request, "Signing in");',
    replacement: "",
    tests: ["test/views/status-page.test.ts"],
  },
  {
    name: "status.problem-message-unescaped",
    breaks:
      "A problem's message is put into the page as HTML: markup from an upstream error reaches the browser.",
    file: "src/status/page.tsx",
    anchor: "        {p.message}\n",
    replacement: "        {raw(p.message)}\n",
    tests: ["test/views/status-page.test.ts"],
  },
  {
    name: "status.status-filter-ignored",
    breaks: "GET /status?status=failed still lists certificates of every status.",
    file: "src/status/filters.ts",
    anchor: "      filter.status === undefined\n        ? s",
    replacement: "      true\n        ? s",
    tests: ["test/views/status-page.test.ts"],
  },
  {
    name: "status.stale-banner-missing",
    breaks:
      "A report whose monitor stopped running hours ago is shown as current: no stale banner for on-call.",
    file: "src/inventory/inventory.ts",
    anchor: "      stale: run === null || isStale(run.finished_at, now, intervalMinutes),",
    replacement: "      stale: run === null,",
    tests: ["test/views/status-page.test.ts"],
  },
  {
    name: "status.certificates-unsorted",
    breaks:
      "The page lists certificates in storage order, not soonest expiry first: the urgent one may be last.",
    file: "src/status/page.tsx",
    anchor: "    .sort(byTimeLeft);",
    replacement: ";",
    tests: ["test/views/status-page.test.ts"],
  },
  // --- issue 16: hot path (conditional reads, per-isolate memos)
  {
    name: "hot.memo-ignores-grants",
    breaks:
      "The remembered answer is found without the caller's grants: a key limited to one zone gets the /v1 list (and ETag) another key with every zone got.",
    file: "src/http/answers.ts",
    anchor: "[spec.route, spec.version, query, grants].join",
    replacement: "[spec.route, spec.version, query].join",
    tests: [T.conditional],
  },
  {
    name: "hot.etag-ignores-grants",
    breaks:
      "The ETag is derived from the answer alone: two keys with different grants share a tag, so one key's tag is current for another.",
    file: "src/http/answers.ts",
    anchor: "etagOf([grants, spec.route, query, body].join",
    replacement: "etagOf([spec.route, query, body].join",
    tests: [T.conditional],
  },
  {
    name: "hot.memo-ignores-query",
    breaks:
      "The remembered answer is found without the effective query: page 2 is answered with page 1 and its ETag.",
    file: "src/http/answers.ts",
    anchor: "[spec.route, spec.version, query, grants].join",
    replacement: "[spec.route, spec.version, grants].join",
    tests: [T.conditional],
  },
  {
    name: "hot.memo-not-keyed-by-version",
    breaks:
      "The remembered answer outlives its cache entry: after a write the list is answered (and 304'd) as before the write.",
    file: "src/http/answers.ts",
    anchor: "[spec.route, spec.version, query, grants].join",
    replacement: "[spec.route, query, grants].join",
    tests: [T.conditional],
  },
  {
    name: "hot.memo-ignores-clock",
    breaks:
      "A remembered /v1 answer never expires with the clock: days_remaining (and the ETag) stay as they were a day ago.",
    file: "src/http/answers.ts",
    anchor: "      until: built.until ?? Number.POSITIVE_INFINITY,",
    replacement: "      until: Number.POSITIVE_INFINITY,",
    tests: [T.conditional],
  },
  {
    name: "hot.304-before-permission-check",
    breaks:
      "The route's permission check runs after its handler: a key without certificates:read gets the list, or a 304 for its tag.",
    file: "src/http/mount.ts",
    anchor: "chain.unshift(requirePermission(r.access));",
    replacement: "chain.push(requirePermission(r.access));",
    tests: [T.conditional],
  },
  {
    name: "hot.weak-compare-strong",
    breaks:
      "If-None-Match uses the strong comparison: a client that stored the tag as weak (W/) never gets a 304 (RFC 9110 §13.1.2 says weak).",
    file: "src/http/conditional.ts",
    anchor: 'const ENTITY_TAG = /^(W\\/)?"',
    replacement: 'const ENTITY_TAG = /^()"',
    tests: ["test/http/conditional.test.ts", T.conditional],
  },
  {
    name: "hot.principal-memo-survives-config",
    breaks:
      "One key -> principal memo per isolate instead of per API_KEYS list: a revoked key keeps working until the isolate is recycled.",
    file: "src/auth/principal-memo.ts",
    anchor: "  const byList = new WeakMap<readonly ApiKeyEntry[], ByteLru<KeyPrincipal>>();",
    replacement:
      "  const one = createByteLru<KeyPrincipal>(maxKeys);\n  const byList = { get: (_e: readonly ApiKeyEntry[]) => one, set: (_e: readonly ApiKeyEntry[], _m: ByteLru<KeyPrincipal>) => {} };",
    tests: [T.principalMemo],
  },
  {
    name: "hot.older-kv-copy-served",
    breaks:
      "A KV read older than the list this isolate just loaded (KV's edge cache, a write in flight) is served over it: the writer sees its pre-write list again.",
    file: "src/cache/store.ts",
    anchor: "      if (known && decoded.entry.fetchedAt < known.entry.fetchedAt) {",
    replacement: "      if (known && decoded.entry.fetchedAt < known.entry.fetchedAt && false) {",
    tests: ["test/cache/versions.test.ts", T.cacheRead, T.readAfterWrite],
  },
  {
    name: "hot.revalidation-bypasses-cache",
    breaks:
      "A poll from fetch() (If-None-Match plus the no-cache fetch adds) reloads the upstream list on every poll instead of answering 304 from the cache.",
    file: "src/cache/headers.ts",
    anchor: '  if (headers.has("if-none-match")) return false;\n',
    replacement: "",
    tests: ["test/routes/conditional.test.ts", "test/cache/headers.test.ts"],
  },
];
