/** certgate's auth layer: what routes and the app import. */
export { type AuthenticatorOptions, createAuthenticator } from "./authenticate";
export {
  allowsProject,
  allowsScopeRef,
  allowsZone,
  assertAllowed,
  assertScope,
  currentPrincipal,
  FORBIDDEN_RESOURCE_MESSAGE,
  hasScope,
  requireScope,
  type ScopeRef,
} from "./authorize";
export { stripClientCredentials } from "./credentials";
