/** Fixture ids and upstream credentials every test shares. */
export const ZONE_A = "0123456789abcdef0123456789abcdef";
export const ZONE_B = "fedcba9876543210fedcba9876543210";
export const PROJECT_P = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
export const PROJECT_Q = "9b2c1d7e-0a4f-4c3b-8e2d-5f6a7b8c9d0e";

export const CLOUDFLARE_BASE = "https://cloudflare.upstream.test/client/v4";
export const GJIRAFA_BASE = "https://gjirafa.upstream.test";
export const UPSTREAM_CLOUDFLARE_TOKEN = "cf-upstream-token-0123456789abcdef";
export const UPSTREAM_GJIRAFA_KEY = "gj-upstream-key-0123456789abcdef";
