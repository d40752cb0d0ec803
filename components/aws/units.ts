/**
 * systemd units as data: the INI dialect rendered from `[Section]` lists of `Key=value` entries.
 */
import { DEPLOY_AGENT_PATH } from "../release";
import { KAMAL_PROXY_UNIT } from "./proxy-names";

export type IniSection = readonly [string, readonly (readonly [string, string])[]];

export function renderUnit(sections: readonly IniSection[]): string {
  return (
    sections
      .map(([name, entries]) => [`[${name}]`, ...entries.map(([k, v]) => `${k}=${v}`)].join("\n"))
      .join("\n\n") + "\n"
  );
}

/** The template unit of a site: `delivery-agent@<site>.service` runs its release at boot. */
export const SITE_UNIT_TEMPLATE = "delivery-agent@.service";

export function siteUnitName(site: string): string {
  return `delivery-agent@${site}.service`;
}

/** At boot, run what the site's release parameter names (a no-op when it already runs). */
export function siteUnit(): string {
  return renderUnit([
    [
      "Unit",
      [
        ["Description", "Run the released image of %i (deploy-agent boot)"],
        ["Requires", "docker.service"],
        ["Wants", `${KAMAL_PROXY_UNIT} network-online.target`],
        ["After", `docker.service ${KAMAL_PROXY_UNIT} network-online.target`],
      ],
    ],
    [
      "Service",
      [
        ["Type", "oneshot"],
        ["RemainAfterExit", "yes"],
        ["ExecStart", `${DEPLOY_AGENT_PATH} boot %i`],
        // A first pull on a small instance can take a while.
        ["TimeoutStartSec", "600"],
      ],
    ],
    ["Install", [["WantedBy", "multi-user.target"]]],
  ]);
}
