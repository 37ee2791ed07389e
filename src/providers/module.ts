/**
 * A provider module: everything certgate knows about one provider, declared once in
 * `providers/<name>/index.ts`. Besides its descriptor (types.ts) it brings its settings (a zod slice of
 * the env, validated with the rest of the configuration), `configure` (the instance closes over its typed
 * settings: nobody casts the configuration), the secrets to redact, and optionally a native door: the
 * upstream's own API at a mount prefix, answered in the upstream's own envelope family.
 *
 * `defineProvider` keeps those types inside the module: the registry holds `RegisteredProvider`s, and a
 * native door still gets its own typed settings and instance per request (`DoorContext`).
 */
import type { Context } from "hono";
import type * as z from "zod";
import { issuesOf, settingsInput } from "../config/load";
import type { AppEnv } from "../context";
import { budgetObjectName } from "../durable/budget-terms";
import { credentialDigest } from "../durable/digest";
import type { EnvelopeFamily } from "../envelope-family";
import { AppError } from "../errors";
import type { Route } from "../http/route";
import type { RotationPort } from "../rotation/port";
import type { NativeService } from "../service/certificates";
import type { UpstreamContext } from "../upstream/context";
import type {
  ConfiguredProvider,
  LoadedProvider,
  ProviderBudget,
  ProviderDescriptor,
  ProviderInstance,
  SettingIssue,
  UpstreamBudgetSettings,
} from "./types";

/** What a native door's routes get: the service, and this provider's typed settings and instance. */
export interface DoorContext<Settings, Instance> {
  service: NativeService;
  /** The provider's settings for this request's configuration. */
  settings(c: Context<AppEnv>): Settings;
  /** Its configured instance; 404 when the provider is not configured (call it after authorization). */
  instance(c: Context<AppEnv>): Instance;
}

export interface NativeDoor<Settings, Instance> {
  /** Path prefix of the door ("/cloudflare/client/v4"): errors under it answer in `envelope`. */
  mount: string;
  envelope: EnvelopeFamily;
  routes(door: DoorContext<Settings, Instance>): Route[];
}

export interface ProviderModule<Settings, Raw, Instance extends ProviderInstance<Raw>>
  extends ProviderDescriptor {
  /** Its slice of the env (vars and secrets), validated with the rest of the configuration. */
  settings: z.ZodType<Settings>;
  /** Its instance, or null when the settings name no scope to manage (not configured). */
  configure(settings: Settings): Instance | null;
  /** Every secret value among its settings, for redaction. */
  secrets(settings: Settings): string[];
  /**
   * Its upstream budget: the cap per 5 minutes and the credential the upstream counts by. Without it,
   * the provider's calls are counted in one object per provider, with no cap (per-key allowances and
   * upstream blocks still apply).
   */
  budget?(settings: Settings): UpstreamBudgetSettings;
  native?: NativeDoor<Settings, Instance>;
  /**
   * Optional: replacing a certificate without downtime (POST /v1/certificates/{id}/rotate). Only a
   * provider whose API lets the engine keep its guarantee (wait for a documented serving status, check
   * coverage, find an order whose answer was lost) declares it; the others answer 422.
   */
  rotation?: RotationCapability<Instance>;
}

export interface RotationCapability<Instance> {
  /** The rotation engine's port over a configured instance; each call takes a fresh upstream context. */
  port(instance: Instance, upstream: () => UpstreamContext): RotationPort;
}

/** A provider as the registry holds it: its descriptor, and how to connect it to one app. */
export interface RegisteredProvider {
  readonly descriptor: ProviderDescriptor;
  readonly native?: { readonly mount: string; readonly envelope: EnvelopeFamily };
  /**
   * One connection per app: it reads the provider's settings once per env object, and serves the
   * configuration loader and the native door the same instance.
   */
  connect(): ProviderConnection;
}

export interface ProviderConnection {
  load(env: object): LoadedProvider;
  routes(service: NativeService): Route[];
}

/** A configured provider; its rotation port closes over the typed instance (nobody casts it). */
function configuredOf<Settings, Raw, Instance extends ProviderInstance<Raw>>(
  module: ProviderModule<Settings, Raw, Instance>,
  instance: Instance,
  budget: ProviderBudget,
): ConfiguredProvider {
  const { rotation } = module;
  return rotation
    ? { descriptor: module, instance, budget, rotation: (upstream) => rotation.port(instance, upstream) }
    : { descriptor: module, instance, budget };
}

type Loaded<Settings, Instance> =
  | { ok: true; settings: Settings; instance: Instance | null; secrets: string[]; budget: ProviderBudget }
  | { ok: false; issues: SettingIssue[] };

/** The budget of one configuration: the object's name is a digest, computed on first use, then kept. */
function providerBudget(name: string, settings: UpstreamBudgetSettings): ProviderBudget {
  let objectName: Promise<string> | null = null;
  return Object.freeze({
    limitPer5Min: settings.limitPer5Min,
    objectName() {
      const { credential } = settings;
      objectName ??=
        credential === null
          ? Promise.resolve(budgetObjectName(name, "-"))
          : credentialDigest(credential).then((digest) => budgetObjectName(name, digest));
      return objectName;
    },
  });
}

export function defineProvider<Settings, Raw, Instance extends ProviderInstance<Raw>>(
  module: ProviderModule<Settings, Raw, Instance>,
): RegisteredProvider {
  return Object.freeze({
    descriptor: module,
    native: module.native ? { mount: module.native.mount, envelope: module.native.envelope } : undefined,
    connect(): ProviderConnection {
      const seen = new WeakMap<object, Loaded<Settings, Instance>>();
      const read = (env: object): Loaded<Settings, Instance> => {
        let loaded = seen.get(env);
        if (!loaded) {
          const parsed = module.settings.safeParse(settingsInput(env));
          loaded = parsed.success
            ? {
                ok: true,
                settings: parsed.data,
                instance: module.configure(parsed.data),
                secrets: module.secrets(parsed.data),
                budget: providerBudget(
                  module.name,
                  module.budget?.(parsed.data) ?? { limitPer5Min: null, credential: null },
                ),
              }
            : { ok: false, issues: issuesOf(parsed.error) };
          seen.set(env, loaded);
        }
        return loaded;
      };
      const settingsOf = (c: Context<AppEnv>) => {
        const loaded = read(c.env);
        // The configuration middleware answered 503 already; this is for a route mounted without it.
        if (!loaded.ok) throw new AppError("config_invalid", `${module.label} is misconfigured`);
        return loaded;
      };
      return {
        load(env) {
          const loaded = read(env);
          if (!loaded.ok) return { ok: false, settings: loaded.issues };
          const configured = loaded.instance ? configuredOf(module, loaded.instance, loaded.budget) : null;
          return { ok: true, configured, secrets: loaded.secrets };
        },
        routes(service) {
          if (!module.native) return [];
          return module.native.routes({
            service,
            settings: (c) => settingsOf(c).settings,
            instance(c) {
              const { instance } = settingsOf(c);
              if (!instance) throw new AppError("not_found", `${module.label} is not configured here`);
              return instance;
            },
          });
        },
      };
    },
  });
}
