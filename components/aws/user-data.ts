/**
 * The server's user-data: a `#cloud-config` document built as data and serialized with the
 * `yaml` library. It installs Docker and the ECR credential helper (Amazon Linux 2023 packages),
 * writes the deploy agent, its per-service settings and one systemd unit per service, then starts
 * the current release of every service.
 */
import { stringify } from "yaml";
import {
  agentSettingsFile,
  deployAgentScript,
  DEPLOY_AGENT_CONFIG_DIR,
  DOCKER_CONFIG_DIR,
  sparePorts,
} from "./deploy-agent";
import { DEPLOY_AGENT_PATH } from "../release";

/** Amazon Linux 2023 package names (`dnf install`). */
export const SERVER_PACKAGES = ["docker", "amazon-ecr-credential-helper"] as const;

export interface UserDataService {
  readonly name: string;
  readonly port: number;
  readonly healthCheckPath: string;
  readonly releaseParameter: string;
}

export interface UserDataArgs {
  readonly region: string;
  readonly logGroup: string;
  readonly services: readonly UserDataService[];
}

/** systemd unit of a service: on boot, run whatever its release parameter names. */
export function serviceUnitName(service: string): string {
  return `delivery-${service}.service`;
}

type IniSection = readonly [string, readonly (readonly [string, string])[]];

/** systemd's INI dialect from data: `[Section]` then `Key=value` lines. */
export function renderUnit(sections: readonly IniSection[]): string {
  return (
    sections
      .map(([name, entries]) => [`[${name}]`, ...entries.map(([k, v]) => `${k}=${v}`)].join("\n"))
      .join("\n\n") + "\n"
  );
}

export function serviceUnit(service: string): string {
  return renderUnit([
    [
      "Unit",
      [
        ["Description", `Run the released image of ${service} (deploy-agent)`],
        ["Requires", "docker.service"],
        ["After", "docker.service network-online.target"],
        ["Wants", "network-online.target"],
      ],
    ],
    [
      "Service",
      [
        ["Type", "oneshot"],
        ["RemainAfterExit", "yes"],
        ["ExecStart", `${DEPLOY_AGENT_PATH} deploy ${service}`],
        // A first pull on a small instance can take a while.
        ["TimeoutStartSec", "600"],
      ],
    ],
    ["Install", [["WantedBy", "multi-user.target"]]],
  ]);
}

export interface CloudConfig {
  readonly packages: string[];
  readonly write_files: { path: string; content: string; permissions: string; owner: string }[];
  readonly runcmd: string[][];
}

/** The cloud-config document as data (tests inspect it; {@link userData} serializes it). */
export function cloudConfig(args: UserDataArgs): CloudConfig {
  const spare = sparePorts(args.services.map((s) => s.port));
  const file = (path: string, content: string, permissions = "0644") => ({
    path,
    content,
    permissions,
    owner: "root:root",
  });
  return {
    packages: [...SERVER_PACKAGES],
    write_files: [
      file(DEPLOY_AGENT_PATH, deployAgentScript(), "0755"),
      // Every registry this server pulls from is ECR: the helper gets tokens from the instance role.
      file(
        `${DOCKER_CONFIG_DIR}/config.json`,
        `${JSON.stringify({ credsStore: "ecr-login" }, null, 2)}\n`,
        "0600",
      ),
      ...args.services.map((s, i) =>
        file(
          `${DEPLOY_AGENT_CONFIG_DIR}/${s.name}.env`,
          agentSettingsFile({
            service: s.name,
            releaseParameter: s.releaseParameter,
            containerPort: s.port,
            sparePort: spare[i],
            healthCheckPath: s.healthCheckPath,
            region: args.region,
            logGroup: args.logGroup,
            dockerConfigDir: DOCKER_CONFIG_DIR,
          }),
        ),
      ),
      ...args.services.map((s) =>
        file(`/etc/systemd/system/${serviceUnitName(s.name)}`, serviceUnit(s.name)),
      ),
    ],
    runcmd: [
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "docker.service"],
      ...args.services.map((s) => ["systemctl", "enable", "--now", serviceUnitName(s.name)]),
    ],
  };
}

/** `#cloud-config` text for the instance's `userData`. */
export function userData(args: UserDataArgs): string {
  return `#cloud-config\n${stringify(cloudConfig(args), { lineWidth: 0 })}`;
}
