/**
 * The server's user-data: a `#cloud-config` document built as data and serialized with the `yaml`
 * library. It prepares the host and nothing per service: Docker (non-blocking logs) and the ECR
 * credential helper (Amazon Linux 2023 packages), a swap file, and kamal-proxy (built from its
 * pinned Go module) as a systemd service. The deploy agent and the services arrive later through
 * SSM (agent-documents.ts), so the user-data is the same for 1 service or 500, and a changed agent
 * or service list never touches it: the server is not replaced.
 */
import { stringify } from "yaml";
import { DOCKER_CONFIG_DIR } from "./deploy-agent";
import {
  dockerDaemonSettings,
  KAMAL_PROXY_INSTALLER_PATH,
  KAMAL_PROXY_UNIT,
  kamalProxyInstaller,
  kamalProxyInstallerEnvironment,
  kamalProxyUnit,
} from "./proxy";

/** Amazon Linux 2023 package names (`dnf install`): golang builds kamal-proxy. */
export const SERVER_PACKAGES = ["docker", "amazon-ecr-credential-helper", "golang"] as const;

/** EC2's limit on user-data, before base64 (EC2 User Guide, "Instance user data": 16 KB). */
export const USER_DATA_MAX_BYTES = 16 * 1024;

export interface CloudConfig {
  readonly packages: string[];
  readonly swap: { filename: string; size: number };
  readonly write_files: { path: string; content: string; permissions: string; owner: string }[];
  readonly runcmd: string[][];
}

/** The cloud-config document as data (tests inspect it; {@link userData} serializes it). */
export function cloudConfig(): CloudConfig {
  const file = (path: string, content: string, permissions = "0644") => ({
    path,
    content,
    permissions,
    owner: "root:root",
  });
  const installerEnv = Object.entries(kamalProxyInstallerEnvironment()).map(([k, v]) => `${k}=${v}`);
  return {
    packages: [...SERVER_PACKAGES],
    // A t4g.micro has 1 GiB: room for the proxy's build and for a release starting beside the old one.
    swap: { filename: "/swapfile", size: 1024 * 1024 * 1024 },
    write_files: [
      file("/etc/docker/daemon.json", `${JSON.stringify(dockerDaemonSettings(), null, 2)}\n`),
      // Every registry this server pulls from is ECR: the helper gets tokens from the instance role.
      file(
        `${DOCKER_CONFIG_DIR}/config.json`,
        `${JSON.stringify({ credsStore: "ecr-login" }, null, 2)}\n`,
        "0600",
      ),
      file(KAMAL_PROXY_INSTALLER_PATH, kamalProxyInstaller(), "0755"),
      file(`/etc/systemd/system/${KAMAL_PROXY_UNIT}`, kamalProxyUnit()),
    ],
    runcmd: [
      ["systemctl", "enable", "--now", "docker.service"],
      ["env", ...installerEnv, KAMAL_PROXY_INSTALLER_PATH],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", KAMAL_PROXY_UNIT],
    ],
  };
}

/** `#cloud-config` text for the instance's `userData`. */
export function userData(): string {
  return `#cloud-config\n${stringify(cloudConfig(), { lineWidth: 0 })}`;
}
