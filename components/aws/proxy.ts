/**
 * The reverse proxy every server runs: kamal-proxy (https://github.com/basecamp/kamal-proxy), the
 * proxy Kamal deploys with. Why it, and not Caddy or nginx (components/aws/README.md says more):
 * its `deploy` command is exactly the switch a release needs (health-check the new target, route
 * new requests to it, drain the old one's, return non-zero if it never got healthy); it routes by
 * host or path prefix; it gets certificates from Let's Encrypt by itself when a host is given.
 * Amazon Linux 2023 packages none of the three with automatic TLS, so the server builds it
 * (install-kamal-proxy.sh), pinned by its Go module checksums.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { renderUnit } from "./units";
import { PROXY_RUNTIME_DIR } from "./deploy-agent";
import { KAMAL_PROXY_PATH } from "./proxy-names";

/** The kamal-proxy release the servers build (and scripts/test-tools.sh builds for the tests). */
export const KAMAL_PROXY_VERSION = "v0.9.2";
/**
 * go.sum lines of that version (the module zip and its go.mod), as the Go checksum database
 * records them (`go mod download -json github.com/basecamp/kamal-proxy@v0.9.2`: Sum, GoModSum).
 */
export const KAMAL_PROXY_SUM = "h1:rKyWDWG5MUPmGEECd93lyurVGmd5x7+ulgqzRgorMSM=";
export const KAMAL_PROXY_MOD_SUM = "h1:x4rzwm9z59DwIZCjZ+vlE2eL9EySPStv/aIygzOLpaY=";

export { KAMAL_PROXY_PATH, KAMAL_PROXY_UNIT } from "./proxy-names";
export const KAMAL_PROXY_INSTALLER_PATH = "/usr/local/sbin/install-kamal-proxy";

/** The installer's source, as written by user-data. */
export function kamalProxyInstaller(): string {
  return readFileSync(path.join(__dirname, "install-kamal-proxy.sh"), "utf8");
}

/** Environment the installer runs with. */
export function kamalProxyInstallerEnvironment(): Record<string, string> {
  return {
    KAMAL_PROXY_VERSION,
    KAMAL_PROXY_SUM,
    KAMAL_PROXY_MOD_SUM,
    KAMAL_PROXY_BIN: KAMAL_PROXY_PATH,
  };
}

/**
 * kamal-proxy as a systemd service on 80 and 443, without root: a dynamic user with only the
 * capability to bind low ports. Its routes and certificates live in its state directory
 * (`$HOME/.config/kamal-proxy`), so a restart or reboot serves the same targets at once; its
 * control socket is `$XDG_RUNTIME_DIR/kamal-proxy.sock`, which the agent (root) uses.
 */
export function kamalProxyUnit(): string {
  return renderUnit([
    [
      "Unit",
      [
        ["Description", "kamal-proxy: the reverse proxy in front of every release"],
        ["Wants", "network-online.target"],
        ["After", "network-online.target"],
      ],
    ],
    [
      "Service",
      [
        ["DynamicUser", "yes"],
        ["AmbientCapabilities", "CAP_NET_BIND_SERVICE"],
        ["CapabilityBoundingSet", "CAP_NET_BIND_SERVICE"],
        ["StateDirectory", "kamal-proxy"],
        ["RuntimeDirectory", path.basename(PROXY_RUNTIME_DIR)],
        ["RuntimeDirectoryPreserve", "yes"],
        ["Environment", "HOME=/var/lib/kamal-proxy"],
        ["Environment", `XDG_RUNTIME_DIR=${PROXY_RUNTIME_DIR}`],
        ["ExecStart", `${KAMAL_PROXY_PATH} run --http-port 80 --https-port 443`],
        ["Restart", "always"],
        ["RestartSec", "2"],
      ],
    ],
    ["Install", [["WantedBy", "multi-user.target"]]],
  ]);
}

/** Docker's daemon settings: containers log without blocking, so a slow destination drops lines instead of stalling them. */
export function dockerDaemonSettings(): Record<string, unknown> {
  return { "log-opts": { mode: "non-blocking", "max-buffer-size": "4m" } };
}
