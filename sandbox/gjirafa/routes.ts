/**
 * Request handling for the seven certificate operations of seed 004, matched on the path suffix
 * `/api/{version}/projects/{projectId}/certificates[/import|/{id}|/{id}/validate]` (no public base URL
 * exists, domain.md: any prefix works). Order of checks: route -> method -> version -> key -> project -> id.
 */
import { parseJson } from "../http";
import { UUID } from "../ids";
import { authenticateGjirafa, type GjirafaApiKey } from "./auth";
import { type ImportBody, parseCreate, parseImport, parseUpdate } from "./bodies";
import { gjError, gjSuccess } from "./envelope";
import { validateIssued } from "./issue";
import { GJIRAFA_STATUS, type GjirafaCertificate, type Project } from "./model";
import { type GjirafaShape, renderDetailAs, renderListItemAs } from "./render";

/** Paging behaviours a Gjirafa server may have: none is documented, so each is a switch. */
export interface PagingBehaviour {
  /** Index of the first page: 1 (default) or 0 (the documentation's resultInfo shows pageIndex 0). */
  firstPageIndex: 0 | 1;
  /** A pageSize above the maximum: refused with 400 (default) or served capped at the maximum. */
  oversize: "refuse" | "cap";
  /** The paging query is ignored: every list answer is the first page at the default size. */
  ignoreQuery: boolean;
}

export interface GjirafaState {
  projects: Map<string, Project>;
  keys: readonly GjirafaApiKey[];
  versions: readonly string[];
  now: () => number;
  defaultPageSize: number;
  maxPageSize: number;
  /** How this server pages (simulator switches; see GjirafaSimulatorOptions). */
  paging: PagingBehaviour;
  /** How certificates are rendered (render.ts GjirafaShape). */
  shape: GjirafaShape;
  /** Successes carry non-empty `errors` and `messages`, as the documentation's examples do. */
  successNotes: boolean;
  createIssued(
    project: Project,
    input: { domainName: string; additionalNames: string[]; scopeId: number },
  ): GjirafaCertificate;
  createImported(project: Project, input: ImportBody): GjirafaCertificate;
}

const ROUTE = /\/api\/([^/]+)\/projects\/([^/]+)\/certificates(?:\/([^/]+))?(?:\/([^/]+))?\/?$/;
const INT32_MAX = 2_147_483_647;

type Operation = "list" | "create" | "import" | "get" | "update" | "delete" | "validate";

function operationOf(
  method: string,
  sub: string | undefined,
  action: string | undefined,
): Operation | 404 | 405 {
  if (sub === undefined) return method === "GET" ? "list" : method === "POST" ? "create" : 405;
  if (action !== undefined) return action !== "validate" ? 404 : method === "PUT" ? "validate" : 405;
  if (sub === "import") return method === "POST" ? "import" : 405;
  if (method === "GET") return "get";
  if (method === "PUT") return "update";
  if (method === "DELETE") return "delete";
  return 405;
}

function pageParam(value: string | null, fallback: number): number | null {
  if (value === null || value === "") return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function list(state: GjirafaState, project: Project, url: URL): Response {
  const { firstPageIndex: first, oversize, ignoreQuery } = state.paging;
  const query = ignoreQuery ? new URLSearchParams() : url.searchParams;
  const index = pageParam(query.get("pageIndex"), first);
  const fallbackSize =
    oversize === "cap" ? Math.min(state.defaultPageSize, state.maxPageSize) : state.defaultPageSize;
  const requested = pageParam(query.get("pageSize"), fallbackSize);
  if (index === null)
    return gjError(400, [`The value '${query.get("pageIndex")}' is not valid for PageIndex.`]);
  if (requested === null || requested < 1 || (requested > state.maxPageSize && oversize === "refuse")) {
    return gjError(400, [`PageSize must be between 1 and ${state.maxPageSize}.`]);
  }
  const size = Math.min(requested, state.maxPageSize);
  // A 1-based server reads pageIndex 0 as its first page.
  const pageIndex = Math.max(first, index);
  const now = state.now();
  const all = [...project.certificates.values()].sort((a, b) => a.id - b.id);
  const totalPages = Math.ceil(all.length / size);
  const offset = (pageIndex - first) * size;
  const items = all.slice(offset, offset + size).map((c) => renderListItemAs(c, now, state.shape));
  return gjSuccess(
    items,
    {
      totalCount: all.length,
      pageIndex,
      pageSize: size,
      totalPages,
      hasNextPage: pageIndex - first + 1 < totalPages,
      hasPreviousPage: pageIndex > first,
    },
    [],
    state.successNotes,
  );
}

function badBody(): Response {
  return gjError(400, ["The request body is not valid JSON."]);
}

export function handleGjirafa(state: GjirafaState, request: Request, url: URL, bodyText: string): Response {
  const match = ROUTE.exec(url.pathname);
  if (match === null) return gjError(404, ["Not Found"]);
  const [, version = "", projectId = "", sub, action] = match;
  const method = request.method.toUpperCase();
  const operation = operationOf(method, sub, action);
  if (operation === 404) return gjError(404, ["Not Found"]);
  if (operation === 405)
    return gjError(405, [`The HTTP method ${method} is not supported for this resource.`]);
  if (!state.versions.includes(version))
    return gjError(404, [`The API version '${version}' is not supported.`]);

  const auth = authenticateGjirafa(request.headers, state.keys, projectId, state.now());
  if (!auth.ok) {
    const headers: Record<string, string> = auth.status === 401 ? { "www-authenticate": "Bearer" } : {};
    return gjError(auth.status, [auth.error], headers);
  }
  const project = UUID.test(projectId) ? state.projects.get(projectId.toLowerCase()) : undefined;
  if (project === undefined) return gjError(404, [`Project '${projectId}' was not found.`]);

  const body = parseJson(bodyText);
  const now = state.now();
  switch (operation) {
    case "list":
      return list(state, project, url);
    case "create": {
      if (!body.ok) return badBody();
      const input = parseCreate(body.value);
      if (!input.ok) return gjError(400, input.errors);
      return one(state, state.createIssued(project, input.value), now);
    }
    case "import": {
      if (!body.ok) return badBody();
      const input = parseImport(body.value);
      if (!input.ok) return gjError(400, input.errors);
      return one(state, state.createImported(project, input.value), now);
    }
  }

  const rawId = sub ?? "";
  const id = /^\d+$/.test(rawId) ? Number(rawId) : Number.NaN;
  if (!Number.isInteger(id) || id > INT32_MAX) return gjError(400, [`The value '${rawId}' is not valid.`]);
  const cert = project.certificates.get(id);
  if (cert === undefined) return gjError(404, [`Certificate with id ${id} was not found.`]);

  switch (operation) {
    case "get":
      return one(state, cert, now);
    case "update": {
      if (!body.ok) return badBody();
      const input = parseUpdate(body.value);
      if (!input.ok) return gjError(400, input.errors);
      cert.scopeId = input.value.scopeId;
      cert.lastModified = now;
      return one(state, cert, now);
    }
    case "delete":
      project.certificates.delete(id);
      return one(state, cert, now, ["The certificate was deleted."]);
    case "validate": {
      if (cert.certificateType !== "Gjirafa Issued") {
        return gjError(400, [
          "Only Gjirafa issued certificates can be validated; imported certificates are not.",
        ]);
      }
      if (cert.status !== GJIRAFA_STATUS.pendingValidation && cert.status !== GJIRAFA_STATUS.failed) {
        return one(state, cert, now, ["The certificate is already validated."]);
      }
      const outcome = validateIssued(cert, now);
      return one(state, cert, now, outcome.messages);
    }
  }
}

/** A single-certificate answer (the detail), in this server's shape. */
function one(state: GjirafaState, cert: GjirafaCertificate, now: number, messages: string[] = []): Response {
  return gjSuccess(renderDetailAs(cert, now, state.shape), undefined, messages, state.successNotes);
}
