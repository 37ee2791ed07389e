/**
 * The monitor tells deletions made through certgate from deletions made elsewhere, whichever door the
 * delete came through: everything here goes through the HTTP gateway (deletes, monitor runs, the
 * report), against the demo simulators; the control deletes at the simulator behind certgate's back.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  DEMO_ZONES,
} from "../../sandbox";
import { createGateway } from "../helpers/gateway";
import { CLOUDFLARE_BASE, GJIRAFA_BASE } from "../helpers/ids";
import { KEYS } from "../helpers/keys";
import { resetStorage } from "./helpers";

beforeEach(resetStorage);

type Gateway = ReturnType<typeof createGateway>;
const ZONE = DEMO_ZONES.shop.id;
const PROJECT = DEMO_GJIRAFA_PROJECT_ID;

interface ReportBody {
  result: { problems: Array<{ kind: string; certificate_id: string | null }> };
}

interface Door {
  name: string;
  provider: "cloudflare" | "gjirafa";
  /** Deletes one certificate (native id) through certgate; resolves to the HTTP status. */
  remove: (gw: Gateway, id: string) => Promise<number>;
}

const DOORS: readonly Door[] = [
  {
    name: "the native Cloudflare door",
    provider: "cloudflare",
    remove: async (gw, id) =>
      (
        await gw.call("DELETE", `/cloudflare/client/v4/zones/${ZONE}/ssl/certificate_packs/${id}`, {
          key: KEYS.writer,
        })
      ).status,
  },
  {
    name: "/v1 (a Cloudflare pack)",
    provider: "cloudflare",
    remove: async (gw, id) =>
      (await gw.call("DELETE", `/v1/certificates/cloudflare:${ZONE}:${id}`, { key: KEYS.writer })).status,
  },
  {
    name: "the native Gjirafa door",
    provider: "gjirafa",
    remove: async (gw, id) =>
      (
        await gw.call("DELETE", `/gjirafa/api/v1/projects/${PROJECT}/certificates/${id}`, {
          key: KEYS.writer,
        })
      ).status,
  },
  {
    name: "/v1 (a Gjirafa certificate)",
    provider: "gjirafa",
    remove: async (gw, id) =>
      (await gw.call("DELETE", `/v1/certificates/gjirafa:${PROJECT}:${id}`, { key: KEYS.writer })).status,
  },
];

/** Two active certificates of the door's scope: one to delete through certgate, one behind its back. */
function twoActive(gw: Gateway, provider: Door["provider"]): [string, string] {
  const ids =
    provider === "cloudflare"
      ? gw.sims.cloudflare
          .packs(ZONE)
          .filter((p) => p.status === "active")
          .map((p) => String(p.id))
      : gw.sims.gjirafa
          .certificates(PROJECT)
          .filter((c) => c.certificateStatus === "Active")
          .map((c) => String(c.id));
  const [mine, theirs] = ids;
  if (!mine || !theirs) throw new Error("demo data changed: two active certificates expected");
  return [mine, theirs];
}

/** A delete made directly at the upstream with certgate's own credentials, bypassing certgate. */
async function deleteBehindItsBack(gw: Gateway, provider: Door["provider"], id: string): Promise<number> {
  const res =
    provider === "cloudflare"
      ? await gw.sims.cloudflare.fetch(`${CLOUDFLARE_BASE}/zones/${ZONE}/ssl/certificate_packs/${id}`, {
          method: "DELETE",
          headers: { Authorization: `Bearer ${DEMO_CLOUDFLARE_TOKEN}`, "Content-Type": "application/json" },
          body: "{}",
        })
      : await gw.sims.gjirafa.fetch(`${GJIRAFA_BASE}/api/v1/projects/${PROJECT}/certificates/${id}`, {
          method: "DELETE",
          headers: { "X-API-Key": DEMO_GJIRAFA_API_KEY },
        });
  return res.status;
}

async function runMonitor(gw: Gateway): Promise<ReportBody["result"]> {
  const res = await gw.json<ReportBody>("POST", "/v1/report/run", { key: KEYS.admin });
  expect(res.status).toBe(200);
  return res.body.result;
}

describe("monitor: deletions through certgate are not deletions outside it", () => {
  it.each(DOORS)("a delete through $name is not reported; one behind certgate's back is", async (door) => {
    const gw = createGateway({ env: { MONITOR_SUBREQUEST_BUDGET: "200" } });
    const [mine, theirs] = twoActive(gw, door.provider);
    await runMonitor(gw); // the monitor sees both
    expect(await door.remove(gw, mine)).toBe(200);
    expect(await deleteBehindItsBack(gw, door.provider, theirs)).toBe(200);
    gw.clock.advance(15 * 60_000);
    const report = await runMonitor(gw);
    const scope = door.provider === "cloudflare" ? ZONE : PROJECT;
    const outside = report.problems
      .filter((p) => p.kind === "deleted_outside_certgate")
      .map((p) => p.certificate_id);
    expect(outside).toEqual([`${door.provider}:${scope}:${theirs}`]);
  });
});
