/**
 * What `npm start` prints once certgate answers: where it is, the two keys, and commands that work
 * when pasted (keys and ports filled in). Pure: start.ts prints the lines.
 */

export interface BannerInput {
  url: string;
  adminKey: string;
  readKey: string;
  cloudflareUpstream: string;
  gjirafaUpstream: string;
  alertSink: string;
  zones: ReadonlyArray<{ id: string; name: string }>;
  project: string;
  exampleZone: { id: string; name: string };
  lifecycleSeconds: number;
  freshSeconds: number;
  logPath: string;
}

const auth = (key: string) => `-H 'Authorization: Bearer ${key}'`;

/** The example curl commands, in the order the banner shows them (start.ts checks them all). */
export function exampleCommands(b: BannerInput) {
  const order = JSON.stringify({
    provider: "cloudflare",
    zone: b.exampleZone.id,
    hosts: [b.exampleZone.name, `demo.${b.exampleZone.name}`],
    validation_method: "txt",
    validity_days: 90,
    certificate_authority: "lets_encrypt",
  });
  return {
    unifiedList: `curl -s ${auth(b.readKey)} ${b.url}/v1/certificates`,
    nativeList: `curl -s ${auth(b.readKey)} '${b.url}/cloudflare/client/v4/zones/${b.exampleZone.id}/ssl/certificate_packs?status=all'`,
    runMonitor: `curl -s -X POST ${auth(b.adminKey)} ${b.url}/v1/report/run`,
    readReport: `curl -s ${auth(b.readKey)} ${b.url}/v1/report`,
    orderPack: `curl -s -X POST ${auth(b.adminKey)} -H 'Content-Type: application/json' -d '${order}' ${b.url}/v1/certificates`,
    readOne: `curl -s ${auth(b.readKey)} ${b.url}/v1/certificates/<id from the order's answer>`,
    denied: `curl -s -X POST ${auth(b.readKey)} ${b.url}/v1/report/run`,
  };
}

export function bannerLines(b: BannerInput): string[] {
  const cmd = exampleCommands(b);
  return [
    "",
    "certgate is running on the sandbox simulators",
    "",
    `  URL        ${b.url}   (interactive docs: ${b.url}/docs, OpenAPI: ${b.url}/openapi.json)`,
    `  admin key  ${b.adminKey}`,
    `  read key   ${b.readKey}   (certificates:read, reports:read)`,
    "",
    `  upstreams  Cloudflare simulator ${b.cloudflareUpstream}, Gjirafa simulator ${b.gjirafaUpstream}`,
    `  zones      ${b.zones.map((z) => `${z.name} ${z.id}`).join("\n             ")}`,
    `  project    ${b.project} (Gjirafa)`,
    `  alerts     monitor webhook -> ${b.alertSink} (digests are printed below as they arrive)`,
    "",
    "Try (paste as is):",
    "  # every certificate of both providers, one model (read key)",
    `  ${cmd.unifiedList}`,
    "  # Cloudflare's own API shape, served through certgate (same cache, certgate's auth)",
    `  ${cmd.nativeList}`,
    "  # run the monitor now (admin key), then read its report (read key)",
    `  ${cmd.runMonitor}`,
    `  ${cmd.readReport}`,
    "",
    `Order a pack and watch it progress (the simulator is sped up: about ${b.lifecycleSeconds} s to active):`,
    `  ${cmd.orderPack}`,
    "  # its status changes are printed below as the simulator moves it; read it through certgate:",
    `  ${cmd.readOne}`,
    `  # lists are cached for ${b.freshSeconds} s (X-Cache header); add -H 'Cache-Control: no-cache' to read through`,
    "",
    "More: the read key cannot run the monitor (403):",
    `  ${cmd.denied}`,
    `wrangler's output (certgate's JSON request logs): ${b.logPath}. Ctrl-C stops everything.`,
    "",
  ];
}
