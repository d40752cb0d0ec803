/** Where kamal-proxy lives on a server, and its systemd unit. */
export const KAMAL_PROXY_PATH = "/usr/local/bin/kamal-proxy";
export const KAMAL_PROXY_UNIT = "kamal-proxy.service";
